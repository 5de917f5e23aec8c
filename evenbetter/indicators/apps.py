from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save

from evenbetter.indicators.figures_cache import IMPORT_RECORDS, records_changed


def import_records_changed(**kwargs: Any) -> None:
    """An import run was started, finished, failed or changed, or an inspection or a link
    between schools written: what is kept of them is out of date once that commits (connected
    below to every row saved; a write without that signal calls it itself:
    tests/pages/test_glance_record_writers.py checks every one). An import run that only checked
    a file (a dry run: every upload's preview) renews nothing: nothing kept shows it."""
    if getattr(kwargs.get("instance"), "dry_run", False) is True:  # an ImportRun's field
        return
    records_changed(IMPORT_RECORDS)


class IndicatorsConfig(AppConfig):
    name = "evenbetter.indicators"
    label = "indicators"
    verbose_name = "Indicators and imports"

    def ready(self) -> None:
        # Importing the module registers data quality as a computed indicator.
        from evenbetter.indicators import quality  # noqa: F401
        from evenbetter.indicators.models import ImportRun, Inspection
        from evenbetter.schools.models import SchoolLink

        post_save.connect(import_records_changed, sender=ImportRun, dispatch_uid="import-run-records")
        # The school page keeps its inspections and its links to the schools it was and became
        # until an import is recorded (``indicators.panels``): imports write them in bulk and
        # renew it themselves; a row saved anywhere else says so too.
        post_save.connect(import_records_changed, sender=Inspection, dispatch_uid="inspection-records")
        post_save.connect(import_records_changed, sender=SchoolLink, dispatch_uid="school-link-records")
        # A page about a school reads that school's own generations with every other, at once.
        from evenbetter.indicators.figures_cache import school_generations_read
        from evenbetter.pages.registry import before_keys_register
        from evenbetter.schools.models import School

        def school_generations_wanted(subject: object) -> None:
            if isinstance(subject, School):
                school_generations_read(subject.pk)

        before_keys_register(school_generations_wanted)
