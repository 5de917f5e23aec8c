from django.urls import path

from evenbetter.indicators import views

urlpatterns = [
    path("data/values/<int:pk>/dispute/", views.dispute_raise_view, name="dispute_raise"),
    path("data/disputes/", views.dispute_list_view, name="dispute_list"),
    path("data/disputes/<int:pk>/", views.dispute_detail_view, name="dispute_detail"),
    path("data/quality/", views.data_quality_view, name="data_quality"),
]
