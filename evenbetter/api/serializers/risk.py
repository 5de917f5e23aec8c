"""The API's serializers of risk."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evenbetter.api.serializers.common import MAX_ID
from evenbetter.api.serializers.schools import SchoolBriefSerializer
from evenbetter.earlywarning.models import RiskRun, RiskScore


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
