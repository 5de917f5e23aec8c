from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """People join by invitation and their roles are managed on the web. The rules, the
    invitations and every write are in ``accounts`` (``invitations.py``, ``services.py``); this
    app, above the register and the jobs, draws the pages, queues the e-mail as a job and
    offers the home page's reminder."""

    name = "evenbetter.people"
    verbose_name = "People"
