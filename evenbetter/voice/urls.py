from django.urls import path

from evenbetter.voice import views

urlpatterns = [
    path("surveys/", views.survey_list_view, name="survey_list"),
    path("surveys/new/", views.survey_create_view, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail_view, name="survey_detail"),
    path("surveys/<int:pk>/qr.svg", views.survey_qr_view, name="survey_qr"),
    path("surveys/<int:pk>/close/", views.survey_close_view, name="survey_close"),
    path("s/<str:token>/", views.survey_answer_view, name="survey_answer"),
]
