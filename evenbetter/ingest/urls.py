from django.urls import path

from evenbetter.ingest import views

urlpatterns = [
    path("data/imports/", views.import_history_view, name="import_history"),
    path("data/imports/new/", views.import_upload_view, name="import_upload"),
    path("data/imports/<int:pk>/", views.import_run_view, name="import_run"),
    path("data/imports/<int:pk>/confirm/", views.import_confirm_view, name="import_confirm"),
]
