"""/api/v1/: the REST API, its OpenAPI description and its docs page; and (``token_page_urlpatterns``,
at the site's root) the page where people make and revoke their API tokens."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from evenbetter.api import token_pages, views

router = SimpleRouter()
router.register("schools", views.SchoolViewSet, basename="api-school")
router.register("indicators", views.IndicatorViewSet, basename="api-indicator")
router.register("observations", views.ObservationViewSet, basename="api-observation")
router.register("risk-scores", views.RiskScoreViewSet, basename="api-risk-score")
router.register("help-requests", views.HelpRequestViewSet, basename="api-help-request")
router.register("imports", views.ImportViewSet, basename="api-import")
router.register("tokens", views.ApiTokenViewSet, basename="api-token")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="api-schema"),
    path("docs/", views.docs_view, name="api-docs"),
    path("", include(router.urls)),
]

# Included at the site's root by config/urls.py: a page of the site, not of the API.
token_page_urlpatterns = [
    path("api-tokens/", token_pages.api_tokens_view, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", token_pages.api_token_revoke_view, name="api_token_revoke"),
]
