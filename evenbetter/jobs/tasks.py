"""The one task the queue knows: run a job of ``models.Job`` by its id.

Django's tasks API (``django_tasks``, the backport of Django 6's ``django.tasks``: on Django 6
only this import changes) with the database backend of ``django-tasks-db``, so the queue
lives in the same database as the jobs and needs no broker. Only the job's id is queued;
everything else, progress included, is on the job's row.
"""

from __future__ import annotations

from django_tasks import task


@task()
def job_run(job_id: int) -> str:
    from evenbetter.jobs.services import job_execute

    return job_execute(job_id)
