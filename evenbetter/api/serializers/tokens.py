"""The API's serializers of tokens."""

from __future__ import annotations

from rest_framework import serializers

from evenbetter.accounts.models import User
from evenbetter.api.models import DEFAULT_LIFETIME, LIFETIMES, NAME_LENGTH, ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    user: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True, help_text="Neither revoked nor expired")
    expired = serializers.BooleanField(source="is_expired", read_only=True, help_text="Past its expiry, not revoked")

    class Meta:
        model = ApiToken
        fields = [
            "id", "name", "prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at", "active", "expired",
        ]  # fmt: skip
        read_only_fields = fields


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.SerializerMethodField(help_text="The token itself: shown this once, never again")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields

    def get_token(self, token: ApiToken) -> str:
        return str(self.context["raw"])


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_LENGTH, default="")
    expires_in_days = serializers.ChoiceField(
        choices=LIFETIMES, default=DEFAULT_LIFETIME, help_text="How long the token works, in days"
    )
    username = serializers.CharField(
        required=False, max_length=150, help_text="System leads only: make the token for this account"
    )

    def validate_username(self, value: str) -> User:
        user = User.objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError("No active account has this username.")
        return user
