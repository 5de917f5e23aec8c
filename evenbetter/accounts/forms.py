from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "That username and password do not match an account. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your system lead to restore it.",
    }
