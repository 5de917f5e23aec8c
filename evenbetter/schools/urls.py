from django.urls import path

from evenbetter.schools import views

urlpatterns = [
    path("schools/", views.school_directory_view, name="school_directory"),
    path("schools/search/", views.school_search_view, name="school_search"),
    path("schools/<int:urn>/", views.school_detail_view, name="school_detail"),
    path("schools/id/<int:pk>/", views.school_detail_by_id_view, name="school_detail_by_id"),
    path("schools/id/<int:pk>/sections/<slug:slug>/", views.school_section_view, name="school_section"),
    path("schools/id/<int:pk>/profile/", views.school_profile_view, name="school_profile"),
    path("schools/id/<int:pk>/profile.pdf", views.school_profile_pdf_view, name="school_profile_pdf"),
    path("localities/", views.locality_list_view, name="locality_list"),
    path("localities/new/", views.locality_create_view, name="locality_create"),
    path("localities/<slug:slug>/", views.locality_detail_view, name="locality_detail"),
    path("localities/<slug:slug>/edit/", views.locality_update_view, name="locality_update"),
    path("partnerships/", views.partnership_list_view, name="partnership_list"),
    path("partnerships/<slug:slug>/", views.partnership_detail_view, name="partnership_detail"),
]
