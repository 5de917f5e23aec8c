"""The API's serializers of schools."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evenbetter.schools.models import Locality, School


class SchoolBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["id", "urn", "name", "phase"]
        read_only_fields = fields


class SchoolSerializer(serializers.ModelSerializer):
    localities: serializers.SlugRelatedField[Locality] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    web_url = serializers.SerializerMethodField(help_text="The school's page on the web")

    class Meta:
        model = School
        fields = [
            "id",
            "urn",
            "name",
            "la_code",
            "la_name",
            "type_name",
            "phase",
            "status",
            "town",
            "postcode",
            "district",
            "pupils_on_roll",
            "percent_fsm",
            "ofsted_rating",
            "ofsted_last_inspection",
            "trust_name",
            "federation_name",
            "localities",
            "web_url",
        ]
        read_only_fields = fields

    def get_web_url(self, school: School) -> str:
        return school.get_absolute_url()


class PartnershipBriefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    joined_on = serializers.DateField(allow_null=True)


class SchoolDetailSerializer(SchoolSerializer):
    access = serializers.SerializerMethodField(
        help_text="How much of the school you see: public, agency, governor (read-only, your own) or full"
    )
    partnerships = serializers.SerializerMethodField(help_text="Its current partnerships that you may see")
    linked_establishments = serializers.SerializerMethodField()

    class Meta(SchoolSerializer.Meta):
        fields = [
            *SchoolSerializer.Meta.fields,
            "access",
            "establishment_number",
            "type_group",
            "open_date",
            "close_date",
            "statutory_low_age",
            "statutory_high_age",
            "gender",
            "religious_character",
            "capacity",
            "census_date",
            "urban_rural",
            "ward",
            "latitude",
            "longitude",
            "linked_establishments",
            "partnerships",
        ]
        read_only_fields = fields

    def get_access(self, school: School) -> str:
        return str(self.context["access"].name.lower())

    @extend_schema_field(PartnershipBriefSerializer(many=True))
    def get_partnerships(self, school: School) -> list[dict[str, Any]]:
        return [
            {
                "slug": m.partnership.slug,
                "name": m.partnership.name,
                "kind": m.partnership.kind,
                "joined_on": m.joined_on,
            }
            for m in self.context["memberships"]
            if m.left_on is None
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"urn": {"type": "integer"}, "relation": {"type": "string"}},
                "required": ["urn", "relation"],
            },
        }
    )
    def get_linked_establishments(self, school: School) -> list[dict[str, Any]]:
        return [{"urn": urn, "relation": relation} for urn, relation in school.links]


class SchoolFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, max_length=200, help_text="Part of the name, town or postcode, or a URN"
    )
    urn = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    phase = serializers.CharField(required=False, max_length=60, help_text='e.g. "Primary"')
    locality = serializers.SlugField(required=False, max_length=160, help_text="A locality's slug")
    partnership = serializers.SlugField(required=False, max_length=210, help_text="A partnership's slug")
    status = serializers.ChoiceField(
        choices=["open", "closed", "all"], required=False, default="open", help_text="Open schools unless told"
    )
