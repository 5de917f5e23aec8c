from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evenbetter.partnerships"
    verbose_name = "Partnership life"

    def ready(self) -> None:
        # Importing the module registers partnership life as a computed indicator.
        from evenbetter.partnerships import indicators  # noqa: F401
        from evenbetter.partnerships.services import contact_summaries_dropped
        from evenbetter.schools.signals import partnership_members_changed

        # The register (below this app) says which schools joined or left a trust or federation.
        partnership_members_changed.connect(
            contact_summaries_dropped, dispatch_uid="evenbetter.partnerships.contact_summaries_dropped"
        )
