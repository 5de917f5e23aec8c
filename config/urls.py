from django.contrib import admin
from django.urls import include, path

from evenbetter.accounts.admin_site import restrict_admin_to_superusers
from evenbetter.accounts.urls import audit_urlpatterns
from evenbetter.api.urls import token_page_urlpatterns
from evenbetter.web import views as web_views

restrict_admin_to_superusers(admin.site)

urlpatterns = [
    path("", web_views.home_view, name="home"),
    path("glossary/", web_views.glossary_view, name="glossary"),
    path("", include("evenbetter.schools.urls")),
    path("", include("evenbetter.ingest.urls")),
    path("", include("evenbetter.jobs.urls")),
    path("", include("evenbetter.indicators.urls")),
    path("", include("evenbetter.benchmarks.urls")),
    path("", include("evenbetter.partnerships.urls")),
    path("", include("evenbetter.earlywarning.urls")),
    path("", include("evenbetter.support.urls")),
    path("", include("evenbetter.concerns.urls")),
    path("", include("evenbetter.practice.urls")),
    path("", include("evenbetter.dashboards.urls")),
    path("", include("evenbetter.voice.urls")),
    path("", include("evenbetter.goals.urls")),
    path("", include("evenbetter.people.urls")),
    path("api/v1/", include("evenbetter.api.urls")),
    path("", include(token_page_urlpatterns)),
    path("accounts/", include("evenbetter.accounts.urls")),
    path("", include(audit_urlpatterns)),
    path("admin/", admin.site.urls),
]

handler400 = "evenbetter.web.views.bad_request_view"
handler403 = "evenbetter.web.views.forbidden_view"
handler404 = "evenbetter.web.views.not_found_view"
handler500 = "evenbetter.web.views.server_error_view"
