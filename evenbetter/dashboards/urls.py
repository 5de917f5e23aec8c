from django.urls import path

from evenbetter.dashboards import views

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("dashboard/map/", views.map_view, name="dashboard_map"),
]
