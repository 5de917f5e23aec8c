from django.urls import path

from evenbetter.partnerships import views

urlpatterns = [
    path("partnerships/<slug:slug>/meetings/new/", views.meeting_create_view, name="meeting_create"),
    path("actions/<int:pk>/", views.action_update_view, name="action_update"),
    path("schools/id/<int:pk>/contacts/new/", views.contact_create_view, name="contact_create"),
    path("schools/id/<int:pk>/governance/", views.governance_view, name="school_governance"),
    path("schools/id/<int:pk>/governance/new/", views.board_meeting_create_view, name="board_meeting_create"),
    path("schools/id/<int:pk>/workforce-return/", views.workforce_return_view, name="workforce_return"),
    path("localities/<slug:slug>/network/", views.locality_network_view, name="locality_network"),
]
