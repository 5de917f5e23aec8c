from django.urls import path

from evenbetter.indicators import views

urlpatterns = [
    path("data/imports/", views.import_history_view, name="import_history"),
    path("data/imports/new/", views.import_upload_view, name="import_upload"),
    path("data/imports/<int:pk>/", views.import_run_view, name="import_run"),
    path("data/imports/<int:pk>/confirm/", views.import_confirm_view, name="import_confirm"),
    path("data/values/<int:pk>/dispute/", views.dispute_raise_view, name="dispute_raise"),
    path("data/disputes/", views.dispute_list_view, name="dispute_list"),
    path("data/disputes/<int:pk>/", views.dispute_detail_view, name="dispute_detail"),
    path("data/quality/", views.data_quality_view, name="data_quality"),
]
