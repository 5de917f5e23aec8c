from django.urls import path

from evenbetter.benchmarks import views

urlpatterns = [
    path("schools/id/<int:pk>/family/", views.school_family_view, name="school_family"),
    path("schools/id/<int:pk>/benchmarks.csv", views.school_benchmarks_csv_view, name="school_benchmarks_csv"),
    path("schools/id/<int:pk>/comparators/new/", views.comparator_set_create_view, name="comparator_set_create"),
    path(
        "schools/id/<int:pk>/comparators/<int:set_id>/delete/",
        views.comparator_set_delete_view,
        name="comparator_set_delete",
    ),
    path("explore/", views.explorer_view, name="explorer"),
    path("strengths/", views.strengths_view, name="strengths"),
]
