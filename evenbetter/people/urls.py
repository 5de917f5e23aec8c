from django.urls import path

from evenbetter.people import views

urlpatterns = [
    path("people/", views.people_view, name="people"),
    path("people/invite/", views.invitation_create_view, name="invitation_create"),
    path("people/invitations/<int:pk>/resend/", views.invitation_resend_view, name="invitation_resend"),
    path("people/invitations/<int:pk>/withdraw/", views.invitation_withdraw_view, name="invitation_withdraw"),
    path("people/roles/<int:pk>/change/", views.membership_change_view, name="membership_change"),
    path("people/roles/<int:pk>/end/", views.membership_end_view, name="membership_end"),
    path("people/accounts/<int:pk>/deactivate/", views.account_deactivate_view, name="account_deactivate"),
    path("invitations/<str:uidb64>/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
]
