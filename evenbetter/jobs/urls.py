from django.urls import path

from evenbetter.jobs import views

urlpatterns = [
    path("jobs/", views.job_list_view, name="job_list"),
]
