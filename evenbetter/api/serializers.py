"""What the API returns, and the query parameters and upload it reads.

Output serializers are read-only and flat: ids and codes rather than nested objects, so
that a client joins what it needs, and so that nothing is carried that the person may not
see (a help request's school, for instance, only when its school chose to be named to them).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evenbetter.accounts.models import User
from evenbetter.api.models import ApiToken
from evenbetter.earlywarning.models import RiskRun, RiskScore
from evenbetter.indicators.models import ImportRun, Indicator, Observation
from evenbetter.ingest.registry import all_formats
from evenbetter.schools.models import Locality, School
from evenbetter.support.models import HelpRequest
from evenbetter.support.selectors import HelpRequestView, help_request_seen_by
from evenbetter.vocabulary.areas import AREAS

# Ids are 64-bit. A school filter larger than that is refused: Django guards a primary key's lookup
# against an integer the database cannot hold, but not a foreign key's (SQLite raises OverflowError).
MAX_ID = 2**63 - 1

# --- errors -------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- schools ---------------------------------------------------------------------------


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


# --- indicators and values -----------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    ordinal_labels = serializers.DictField(child=serializers.CharField(), read_only=True)
    # Blank when there is none: a slug's pattern would not describe that.
    cohort_indicator = serializers.CharField(
        read_only=True, help_text="The code of the indicator counting the pupils this one rests on, or blank"
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "description",
            "unit",
            "direction",
            "domain",
            "source",
            "comparison",
            "decimal_places",
            "minimum",
            "maximum",
            "ordinal_labels",
            "headline",
            "standard",
            "standard_label",
            "is_public",
            "cohort_indicator",
        ]
        read_only_fields = fields


class IndicatorFilterSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=Indicator.Domain.choices, required=False)
    is_public = serializers.BooleanField(required=False, allow_null=True, default=None)


class ObservationSerializer(serializers.ModelSerializer):
    school = serializers.IntegerField(source="school_id", read_only=True, help_text="The school's id")
    urn = serializers.IntegerField(source="school.urn", read_only=True, allow_null=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True, help_text="The indicator's code")
    # Named as the answer names it; DRF takes declared fields off the class, so Field.label is untouched.
    label = serializers.SerializerMethodField(help_text="The value in words, with its unit or grade")  # type: ignore[assignment]

    class Meta:
        model = Observation
        fields = [
            "id",
            "school",
            "urn",
            "indicator",
            "period",
            "period_start",
            "value",
            "label",
            "status",
            "provisional",
        ]
        read_only_fields = fields

    def get_label(self, observation: Observation) -> str:
        return observation.indicator.label_for(observation.value)


class ObservationFilterSerializer(serializers.Serializer):
    school = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="A school's id")
    urn = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    indicator = serializers.SlugField(required=False, max_length=80, help_text="An indicator's code")
    period = serializers.CharField(required=False, max_length=20, help_text='e.g. "2018/19"')


# --- families and benchmarks --------------------------------------------------------------


class FamilyWhySerializer(serializers.Serializer):
    variable = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # as ObservationSerializer.label
    school_value = serializers.FloatField(allow_null=True)
    member_value = serializers.FloatField(allow_null=True)
    share = serializers.FloatField(allow_null=True, help_text="Share of the distance this variable makes")


class FamilyMemberSerializer(serializers.Serializer):
    school = SchoolBriefSerializer(source="member")
    rank = serializers.IntegerField()
    distance = serializers.FloatField()
    weight_share = serializers.FloatField()
    why = FamilyWhySerializer(many=True)


class FamilySerializer(serializers.Serializer):
    school = serializers.IntegerField()
    computed_at = serializers.DateTimeField(allow_null=True)
    no_family_reason = serializers.CharField(allow_blank=True)
    members = FamilyMemberSerializer(many=True)


class BenchmarkPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    value = serializers.FloatField()
    family_count = serializers.IntegerField()
    family_q1 = serializers.FloatField(allow_null=True)
    family_median = serializers.FloatField(allow_null=True)
    family_q3 = serializers.FloatField(allow_null=True)
    family_percentile = serializers.FloatField(allow_null=True)
    local_count = serializers.IntegerField()
    local_percentile = serializers.FloatField(allow_null=True)
    all_count = serializers.IntegerField()
    all_percentile = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True, help_text="Even better: the family's upper quartile")
    gap_to_target = serializers.FloatField(allow_null=True)
    standard = serializers.FloatField(allow_null=True)
    average_value = serializers.FloatField(allow_null=True)
    average_periods = serializers.IntegerField()
    cohort = serializers.FloatField(allow_null=True)
    small_cohort = serializers.BooleanField()


class IndicatorBenchmarkSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    direction = serializers.CharField(source="indicator.direction")
    headline = serializers.BooleanField(source="indicator.headline")
    compared_with = serializers.CharField(source="comparison_label")
    standard_label = serializers.CharField()
    points = BenchmarkPointSerializer(many=True)


class BenchmarksSerializer(serializers.Serializer):
    school = serializers.IntegerField()
    indicators = IndicatorBenchmarkSerializer(many=True)


class BenchmarkFilterSerializer(serializers.Serializer):
    indicator = serializers.SlugField(required=False, max_length=80, help_text="Only this indicator")


# --- risk ------------------------------------------------------------------------------


class RiskRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskRun
        fields = ["id", "created_at", "as_of", "outcome_text", "model_kind", "schools_scored", "uses_generated_data"]
        read_only_fields = fields


class RiskReasonSerializer(serializers.Serializer):
    feature = serializers.CharField()
    contribution = serializers.FloatField(allow_null=True, help_text="In log-odds: above 0 pushed the risk up")
    words = serializers.CharField()


class RiskTriggerSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="leading (a trigger) or lagging (a symptom)")
    fired = serializers.BooleanField()
    severity = serializers.FloatField(allow_null=True)
    evidence = serializers.CharField(allow_blank=True)
    explanation = serializers.CharField(allow_blank=True)


class RiskScoreSerializer(serializers.ModelSerializer):
    school = SchoolBriefSerializer()
    run = serializers.IntegerField(source="run_id")
    change = serializers.FloatField(allow_null=True, read_only=True)
    reasons = serializers.SerializerMethodField()
    triggers = serializers.SerializerMethodField()

    class Meta:
        model = RiskScore
        fields = ["school", "run", "risk", "rank", "band", "previous_risk", "change", "reasons", "triggers"]
        read_only_fields = fields

    @extend_schema_field(RiskReasonSerializer(many=True))
    def get_reasons(self, score: RiskScore) -> list[dict[str, Any]]:
        found = []
        for reason in score.reasons or []:
            feature, contribution, words = [*list(reason), None, None, None][:3]
            found.append(
                {
                    "feature": str(feature or ""),
                    "contribution": None if contribution is None else float(contribution),
                    "words": str(words or ""),
                }
            )
        return found

    @extend_schema_field(RiskTriggerSerializer(many=True))
    def get_triggers(self, score: RiskScore) -> list[dict[str, Any]]:
        return [
            {
                "code": str(t.get("code", "")),
                "name": str(t.get("name", "")),
                "kind": str(t.get("kind", "")),
                "fired": bool(t.get("fired")),
                "severity": None if t.get("severity") is None else float(t["severity"]),
                "evidence": "" if t.get("evidence") is None else str(t["evidence"]),
                "explanation": "" if t.get("explanation") is None else str(t["explanation"]),
            }
            for t in score.triggers or []
        ]


class SchoolRiskSerializer(serializers.Serializer):
    school = serializers.IntegerField()
    run = RiskRunSerializer(allow_null=True, help_text="The current run of the early warning; null before any")
    score = RiskScoreSerializer(allow_null=True, help_text="The school's score in that run; null if not scored")


class RiskFilterSerializer(serializers.Serializer):
    school = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="A school's id")
    band = serializers.ChoiceField(choices=RiskScore.Band.choices, required=False)


# --- help requests ---------------------------------------------------------------------------


class HelpRequestSerializer(serializers.ModelSerializer):
    school = serializers.SerializerMethodField(
        help_text="The school that asked; null when it asked anonymously and you are not told who"
    )
    school_phase = serializers.CharField(source="school.phase", read_only=True)
    supporter = serializers.SerializerMethodField(
        help_text="The school suggested to help, for the two schools' people and the brokers; else null"
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


# --- imports ---------------------------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])


class ImportRunSerializer(serializers.ModelSerializer):
    run_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    problems = ProblemSerializer(many=True, read_only=True)
    examples = serializers.ListField(child=serializers.CharField(), read_only=True)
    options = serializers.DictField(read_only=True)

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "source_format",
            "file_name",
            "file_size",
            "sha256",
            "status",
            "dry_run",
            "run_by",
            "started_at",
            "finished_at",
            "rows_read",
            "rows_accepted",
            "rows_rejected",
            "records_created",
            "records_updated",
            "records_unchanged",
            "problems",
            "examples",
            "options",
        ]
        read_only_fields = fields


def _checked_size(upload: Any) -> Any:
    limit = settings.EVENBETTER_MAX_UPLOAD_MB * 1024 * 1024
    if upload is not None and upload.size > limit:
        raise serializers.ValidationError(
            f"The file is {upload.size / 1024 / 1024:.0f} MB; the most the API takes is "
            f"{settings.EVENBETTER_MAX_UPLOAD_MB} MB. Use the command line for larger files."
        )
    return upload


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The file: CSV, or Excel .xlsx where the format reads it")
    format = serializers.ChoiceField(choices=[], help_text="The source format (manage.py import_data --help)")
    period = serializers.CharField(
        required=False, max_length=20, help_text="For files that do not say their year, e.g. 2018/19"
    )
    scheme = serializers.SlugField(
        required=False, max_length=50, help_text="Generic files: the scheme of school_id (blank means URN)"
    )
    mapping = serializers.FileField(required=False, help_text="Wide files: a CSV of column,indicator")
    add_missing_schools = serializers.BooleanField(
        required=False, default=False, help_text="School census only: add schools not on the register"
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Check and count what would change; write nothing"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["format"]
        if isinstance(field, serializers.ChoiceField):
            field.choices = [(f.code, f.name) for f in all_formats()]

    def validate_file(self, upload: Any) -> Any:
        return _checked_size(upload)

    def validate_mapping(self, upload: Any) -> Any:
        return _checked_size(upload)

    def format_options(self) -> dict[str, Any]:
        data = self.validated_data
        options: dict[str, Any] = {}
        for name in ("period", "scheme"):
            if data.get(name):
                options[name] = data[name]
        if data.get("add_missing_schools"):
            options["add_missing_schools"] = True
        if data.get("mapping") is not None:
            options["mapping"] = data["mapping"].read()
        return options


# --- tokens ------------------------------------------------------------------------------


class ApiTokenSerializer(serializers.ModelSerializer):
    user: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "user", "created_at", "last_used_at", "revoked_at", "active"]
        read_only_fields = fields


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.SerializerMethodField(help_text="The token itself: shown this once, never again")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields

    def get_token(self, token: ApiToken) -> str:
        return str(self.context["raw"])


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    username = serializers.CharField(
        required=False, max_length=150, help_text="System leads only: make the token for this account"
    )

    def validate_username(self, value: str) -> User:
        user = User.objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError("No active account has this username.")
        return user
