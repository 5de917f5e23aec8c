"""The API's serializers of families and benchmarks."""

from __future__ import annotations

from rest_framework import serializers

from evenbetter.api.serializers.schools import SchoolBriefSerializer


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
