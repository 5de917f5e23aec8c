"""/api/v1/: the REST API, its OpenAPI description and its docs page."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from evenbetter.api import views

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
    path("docs/try/", views.TryItView.as_view(), name="api-docs-try"),
    path("", include(router.urls)),
]
