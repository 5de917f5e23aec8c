"""The API's serializers of indicators and values."""

from __future__ import annotations

from rest_framework import serializers

from evenbetter.api.serializers.common import MAX_ID
from evenbetter.indicators.models import Indicator, Observation


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
