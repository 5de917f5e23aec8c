from django.urls import path

from evenbetter.practice import views

urlpatterns = [
    path("practice/", views.library_view, name="practice_library"),
    path("practice/new/", views.item_create_view, name="practice_create"),
    path("practice/reports/", views.reports_view, name="practice_reports"),
    path("practice/<int:pk>/", views.item_detail_view, name="practice_detail"),
    path("practice/<int:pk>/edit/", views.item_edit_view, name="practice_edit"),
    path("practice/<int:pk>/<slug:action>/", views.item_action_view, name="practice_action"),
    path("practice/comments/<int:pk>/<slug:action>/", views.comment_action_view, name="practice_comment_action"),
    path("practice/areas/<slug:area>/follow/", views.area_follow_view, name="practice_area_follow"),
    path("practice/files/<int:pk>/", views.attachment_view, name="practice_attachment"),
]
