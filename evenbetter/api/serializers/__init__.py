"""What the API returns, and the query parameters and upload it reads.

Output serializers are read-only and flat: ids and codes rather than nested objects, so
that a client joins what it needs, and so that nothing is carried that the person may not
see (a help request's school, for instance, only when its school chose to be named to them).
"""

from __future__ import annotations

from evenbetter.api.serializers.benchmarks import (
    BenchmarkFilterSerializer,
    BenchmarkPointSerializer,
    BenchmarksSerializer,
    FamilyMemberSerializer,
    FamilySerializer,
    FamilyWhySerializer,
    IndicatorBenchmarkSerializer,
)
from evenbetter.api.serializers.common import MAX_ID, ErrorSerializer
from evenbetter.api.serializers.help_requests import HelpRequestFilterSerializer, HelpRequestSerializer
from evenbetter.api.serializers.imports import ImportRunSerializer, ImportUploadSerializer, ProblemSerializer
from evenbetter.api.serializers.indicators import (
    IndicatorFilterSerializer,
    IndicatorSerializer,
    ObservationFilterSerializer,
    ObservationSerializer,
)
from evenbetter.api.serializers.risk import (
    RiskFilterSerializer,
    RiskReasonSerializer,
    RiskRunSerializer,
    RiskScoreSerializer,
    RiskTriggerSerializer,
    SchoolRiskSerializer,
)
from evenbetter.api.serializers.schools import (
    PartnershipBriefSerializer,
    SchoolBriefSerializer,
    SchoolDetailSerializer,
    SchoolFilterSerializer,
    SchoolSerializer,
)
from evenbetter.api.serializers.tokens import ApiTokenCreatedSerializer, ApiTokenCreateSerializer, ApiTokenSerializer

__all__ = [
    "MAX_ID",
    "ApiTokenCreateSerializer",
    "ApiTokenCreatedSerializer",
    "ApiTokenSerializer",
    "BenchmarkFilterSerializer",
    "BenchmarkPointSerializer",
    "BenchmarksSerializer",
    "ErrorSerializer",
    "FamilyMemberSerializer",
    "FamilySerializer",
    "FamilyWhySerializer",
    "HelpRequestFilterSerializer",
    "HelpRequestSerializer",
    "ImportRunSerializer",
    "ImportUploadSerializer",
    "IndicatorBenchmarkSerializer",
    "IndicatorFilterSerializer",
    "IndicatorSerializer",
    "ObservationFilterSerializer",
    "ObservationSerializer",
    "PartnershipBriefSerializer",
    "ProblemSerializer",
    "RiskFilterSerializer",
    "RiskReasonSerializer",
    "RiskRunSerializer",
    "RiskScoreSerializer",
    "RiskTriggerSerializer",
    "SchoolBriefSerializer",
    "SchoolDetailSerializer",
    "SchoolFilterSerializer",
    "SchoolRiskSerializer",
    "SchoolSerializer",
]
