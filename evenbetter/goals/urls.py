from django.urls import path

from evenbetter.goals import views

urlpatterns = [
    path("schools/id/<int:pk>/goals/new/", views.school_goal_create_view, name="school_goal_create"),
    path("partnerships/<slug:slug>/goals/new/", views.partnership_goal_create_view, name="partnership_goal_create"),
    path("localities/<slug:slug>/goals/new/", views.locality_goal_create_view, name="locality_goal_create"),
    path("goals/<int:pk>/", views.goal_detail_view, name="goal_detail"),
    path("goals/<int:pk>/edit/", views.goal_edit_view, name="goal_edit"),
    path("goals/<int:pk>/withdraw/", views.goal_withdraw_view, name="goal_withdraw"),
    path("celebrations/<int:pk>/words/", views.celebration_words_view, name="celebration_words"),
    path("celebrations/<int:pk>/quiet/", views.celebration_quiet_view, name="celebration_quiet"),
]
