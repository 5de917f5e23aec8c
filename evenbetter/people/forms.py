from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from evenbetter.accounts.invitations import roles_given_by
from evenbetter.accounts.models import Role, User
from evenbetter.accounts.selectors import AnyUser, scope_of
from evenbetter.schools.models import Locality, Partnership, School


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Their e-mail address", max_length=254)
    role = forms.ChoiceField(label="Role")
    school = forms.IntegerField(
        label="School (its URN)",
        required=False,
        min_value=1,
        help_text="For a school leader, staff member or governor, or an agency that works with one school.",
    )
    partnership = forms.ModelChoiceField(
        label="Partnership", required=False, queryset=Partnership.objects.none(), help_text="For a partnership lead."
    )
    locality = forms.ModelChoiceField(
        label="Locality",
        required=False,
        queryset=Locality.objects.none(),
        help_text="For a locality lead, or an agency that works with a whole locality.",
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        given = roles_given_by(scope)
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Role.choices if value in given
        ]
        # Offered places: a wrong one is refused by the rule (``may_give``) with its reason.
        if scope.is_system_lead or Role.LOCALITY_LEAD in given or Role.PARTNERSHIP_LEAD in given:
            self.fields["partnership"].queryset = Partnership.objects.order_by("name")  # type: ignore[attr-defined]
        else:
            del self.fields["partnership"]
        if scope.is_system_lead:
            self.fields["locality"].queryset = Locality.objects.order_by("name")  # type: ignore[attr-defined]
        elif scope.led_locality_ids:
            self.fields["locality"].queryset = Locality.objects.filter(pk__in=scope.led_locality_ids)  # type: ignore[attr-defined]
        else:
            del self.fields["locality"]
        own = sorted(scope.school_ids)
        if len(own) == 1 and not (scope.is_system_lead or scope.led_locality_ids or scope.led_partnership_ids):
            self.fields["school"].initial = School.objects.filter(pk=own[0]).values_list("urn", flat=True).first()
        self.school_found: School | None = None

    def clean_school(self) -> int | None:
        urn = self.cleaned_data.get("school")
        if urn:
            self.school_found = School.objects.filter(urn=urn).first()
            if self.school_found is None:
                raise forms.ValidationError(f"No school in the register has the URN {urn}.")
        return urn

    def place(self) -> dict[str, Any]:
        """The role's place, as the service takes it: only what was filled in."""
        return {
            "school": self.school_found,
            "partnership": self.cleaned_data.get("partnership"),
            "locality": self.cleaned_data.get("locality"),
        }


class AcceptWithNewAccountForm(forms.Form):
    """The invited person's new account: a name, a username and a password of their own,
    checked by Django's password validators (settings.AUTH_PASSWORD_VALIDATORS)."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    username = forms.RegexField(
        label="Username",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text="What you will sign in with: letters, digits and @ . + - _ only.",
        error_messages={"invalid": "A username has only letters, digits and @ . + - _ (no spaces)."},
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="The same password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(f"The username {username} is taken: choose another.")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            person = User(
                username=cleaned.get("username", ""),
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, person)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label="New role")

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = choices  # type: ignore[attr-defined]
