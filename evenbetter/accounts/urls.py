from django.contrib.auth import views as auth_views
from django.urls import path

from evenbetter.accounts import views
from evenbetter.accounts.forms import SignInForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

# Included at the site's root by config/urls.py: /audit/, not /accounts/audit/.
audit_urlpatterns = [
    path("audit/", views.audit_log_view, name="audit_log"),
    path("audit/export.csv", views.audit_log_csv_view, name="audit_log_csv"),
]
