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
    path(
        "schools/id/<int:pk>/governance/reviews/new/",
        views.governance_review_create_view,
        name="governance_review_create",
    ),
    path("schools/id/<int:pk>/team/", views.school_team_view, name="school_team"),
    path("agencies/", views.agency_list_view, name="agency_list"),
    path("agencies/new/", views.agency_create_view, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_detail_view, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_update_view, name="agency_update"),
    path("agencies/<int:pk>/contacts/new/", views.agency_contact_create_view, name="agency_contact_create"),
    path("agencies/contacts/<int:pk>/remove/", views.agency_contact_remove_view, name="agency_contact_remove"),
    path("agencies/<int:pk>/members/add/", views.agency_member_add_view, name="agency_member_add"),
    path("agencies/members/<int:pk>/remove/", views.agency_member_remove_view, name="agency_member_remove"),
    path("agencies/<int:pk>/links/new/", views.agency_link_create_view, name="agency_link_create"),
    path("agencies/links/<int:pk>/remove/", views.agency_link_remove_view, name="agency_link_remove"),
]
