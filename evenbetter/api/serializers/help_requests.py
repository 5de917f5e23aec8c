"""The API's serializers of help requests."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evenbetter.api.serializers.common import MAX_ID
from evenbetter.api.serializers.schools import SchoolBriefSerializer
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import HelpRequestView, help_request_seen_by
from evenbetter.vocabulary.areas import AREAS


class AgencyBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True, help_text="From the agency kinds: early_help, send, police_liaison …")


class HelpRequestSerializer(serializers.ModelSerializer):
    school = serializers.SerializerMethodField(
        help_text="The school that asked; null when it asked anonymously and you are not told who"
    )
    school_phase = serializers.CharField(source="school.phase", read_only=True)
    supporter = serializers.SerializerMethodField(
        help_text="The school suggested to help, for the two schools' people and the brokers; else null"
    )
    supporter_agency = serializers.SerializerMethodField(
        help_text="The partner agency or service asked to help (instead of a school), for the school's and the "
        "agency's people and the brokers; else null"
    )
    objectives = serializers.SerializerMethodField(help_text="For the two schools' people and the brokers")

    class Meta:
        model = HelpRequest
        fields = [
            "id",
            "title",
            "description",
            "area",
            "kind",
            "urgency",
            "visibility",
            "status",
            "on_behalf",
            "created_at",
            "is_generated",
            "school",
            "school_phase",
            "supporter",
            "supporter_agency",
            "objectives",
        ]
        read_only_fields = fields

    def _seen(self, request: HelpRequest) -> HelpRequestView:
        # The one redacted view of a request (support.selectors), as the pages show it.
        return help_request_seen_by(self.context["request"].user, request)

    @extend_schema_field(SchoolBriefSerializer(allow_null=True))
    def get_school(self, request: HelpRequest) -> dict[str, Any] | None:
        school = self._seen(request).school
        return None if school is None else dict(SchoolBriefSerializer(school).data)

    @extend_schema_field(SchoolBriefSerializer(allow_null=True))
    def get_supporter(self, request: HelpRequest) -> dict[str, Any] | None:
        supporter = self._seen(request).supporter
        return None if supporter is None else dict(SchoolBriefSerializer(supporter).data)

    @extend_schema_field(AgencyBriefSerializer(allow_null=True))
    def get_supporter_agency(self, request: HelpRequest) -> dict[str, Any] | None:
        agency = self._seen(request).supporter_agency
        return None if agency is None else dict(AgencyBriefSerializer(agency).data)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_objectives(self, request: HelpRequest) -> list[str]:
        return request.objective_lines if self._seen(request).involved else []


class HelpRequestFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HelpRequest.Status.choices, required=False)
    area = serializers.ChoiceField(choices=AREAS, required=False)
    school = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="A school's id: only requests whose school you are told",
    )
