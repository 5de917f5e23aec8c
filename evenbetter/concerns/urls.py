from django.urls import path

from evenbetter.concerns import views

urlpatterns = [
    path("concerns/", views.concern_list_view, name="concern_list"),
    path("concerns/<int:pk>/<str:action>/", views.concern_action_view, name="concern_action"),
    path("schools/id/<int:pk>/concerns/", views.school_concerns_view, name="school_concerns"),
    path("schools/id/<int:pk>/concerns/new/", views.concern_raise_view, name="concern_raise"),
]
