# The app's migrations 0001-0002 in one (Django 5.2.19's squashmigrations, 7 December 2026): a new
# database runs this one instead of 2, to the same tables, columns, indexes and constraints, in less
# time (docs/benchmarks.md, "make test's margin, session 14"). A database part-way through them
# finishes with the old files, which stay until every installation has passed them.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('jobs', '0001_initial'), ('jobs', '0002_job_import_runs')]

    initial = True

    dependencies = [
        ('indicators', '0009_importrun_process_and_interrupted'),
    ]

    operations = [
        migrations.CreateModel(
            name='Job',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(help_text='What the job does: a kind in evenbetter/jobs/registry.py', max_length=40)),
                ('reason', models.CharField(blank=True, help_text='Why it was queued: an import, a schedule …', max_length=255)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed'), ('retrying', 'Waiting to retry')], default='queued', max_length=20)),
                ('pending_key', models.CharField(blank=True, max_length=40, null=True, unique=True)),
                ('requests', models.PositiveIntegerField(default=1, help_text='How many requests this one job answers')),
                ('options', models.JSONField(blank=True, default=dict)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('max_attempts', models.PositiveSmallIntegerField(default=3)),
                ('step', models.CharField(blank=True, help_text='The step it is on (or stopped at)', max_length=120)),
                ('progress_done', models.PositiveIntegerField(default=0)),
                ('progress_total', models.PositiveIntegerField(blank=True, help_text='Empty when not known', null=True)),
                ('error', models.TextField(blank=True)),
                ('queued_at', models.DateTimeField(auto_now_add=True)),
                ('last_requested_at', models.DateTimeField(auto_now_add=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('retrying_at', models.DateTimeField(blank=True, null=True)),
                ('succeeded_at', models.DateTimeField(blank=True, null=True)),
                ('failed_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('process', models.CharField(blank=True, max_length=255)),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                ('task_id', models.CharField(blank=True, help_text='The latest task queued for it (django-tasks)', max_length=64)),
                ('import_runs', models.ManyToManyField(blank=True, related_name='refresh_jobs', to='indicators.importrun')),
            ],
            options={
                'ordering': ['-queued_at', '-pk'],
                'indexes': [models.Index(fields=['kind', 'status'], name='jobs_job_kind_b07597_idx')],
            },
        ),
        migrations.CreateModel(
            name='ScheduleFiring',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('schedule', models.CharField(max_length=80)),
                ('due_at', models.DateTimeField()),
                ('fired_at', models.DateTimeField(auto_now_add=True)),
                ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jobs.job')),
            ],
            options={
                'ordering': ['-due_at'],
                'constraints': [models.UniqueConstraint(fields=('schedule', 'due_at'), name='jobs_schedule_fires_once')],
            },
        ),
    ]
