from django.urls import path

from evenbetter.jobs import views

urlpatterns = [
    path("jobs/", views.job_list_view, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail_view, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress_view, name="job_progress"),
]
