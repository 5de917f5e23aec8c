from django.urls import path

from evenbetter.earlywarning import views

urlpatterns = [
    path("watch-list/", views.watch_list_view, name="watch_list"),
    path("schools/id/<int:pk>/risk/", views.school_risk_view, name="school_risk"),
    path("schools/id/<int:pk>/risk/respond/", views.risk_response_view, name="risk_response"),
    path("schools/id/<int:pk>/risk/decide/", views.watch_decision_view, name="watch_decision"),
]
