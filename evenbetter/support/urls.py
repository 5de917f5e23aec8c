from django.urls import path

from evenbetter.support import views

urlpatterns = [
    path("help/", views.help_list_view, name="help_list"),
    path("help/new/", views.help_request_create_view, name="help_request_create"),
    path("help/<int:pk>/", views.help_request_detail_view, name="help_request_detail"),
    path("help/<int:pk>/step/<slug:step>/", views.help_request_step_view, name="help_request_step"),
    path("help/summary/", views.help_summary_view, name="help_summary"),
    path("help/offers/new/", views.support_offer_create_view, name="support_offer_create"),
]
