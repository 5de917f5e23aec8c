"""Early-warning triggers: plain rules that say which school may be starting to struggle, and why.

Pure functions on pandas data frames and numpy arrays; no Django. ``framework`` holds the
data, the settings, the snapshot, the base class and the registry; ``explanations`` the
words; ``thresholds`` the declarative threshold trigger; ``leading`` and ``lagging`` the
triggers themselves; ``evaluation`` runs them all.

A trigger is a small class in a registry (a new trigger is a new class, not a new ``if``).
Each one reads a few indicators, compares them with thresholds kept in
:class:`TriggerSettings`, and says for every school whether it **fired**, how **severe**
that is (0 to 1), the **evidence** it looked at (every value, with its period and the
threshold) and, when it fired, an **explanation** in plain words for a headteacher. A
risk score that cannot say why is not shown (*explainable before clever*), so nothing
here is learned: every number can be checked by hand against the evidence.

Triggers are of two kinds (*leading, not lagging*):

- **leading** triggers come before decline: isolation from other schools, weak
  governance scrutiny, partnerships that talk without acting, breadth of decline across
  many measures, staffing gaps, low trust, unreliable data;
- **lagging** symptoms show decline that has already happened: falling results, rising
  absence, a weak inspection.

Authorities hold different indicators. A trigger none of whose indicators has a value
for a school in the period is **not measured** for that school (``measured`` False,
``fired`` False): a missing record is not evidence, so it is never an error and never
"fired". A trigger with some of its indicators judges on those it has, and its evidence
says which were not recorded.

Evaluation is **as at** a period: only observations of that period and earlier are read,
so that a result computed for a past year is the one the system could have computed
then (the risk model is trained on these, and must not see the future). Periods are
academic years such as "2018/19", which sort oldest first as strings.

Comparisons, decided once for all triggers: a threshold on a whole number (peer schools,
meetings, posts, changes, a grade) is inclusive and is written "at most" / "at least";
every other threshold is strict and is written "under" / "more than", so a value exactly
at it does not fire.

Severity is how far past its threshold a condition is, divided by the condition's
**scale** (the distance past the threshold that counts as fully severe), capped at 1; for
an inclusive threshold the threshold itself counts as one past (so that a school at it
has a severity above 0). A trigger's severity is the largest over the conditions that
fired; a condition that needs two things at once (few peers *and* little contact outside
the partnership) is as severe as the lesser of the two. Each trigger documents its
scales.
"""

from __future__ import annotations

from evenbetter.analytics.triggers.evaluation import evaluate_triggers, trigger_states
from evenbetter.analytics.triggers.explanations import number

# Importing the package registers every trigger (the leading and lagging modules), and
# these names stay here so that code written against the single module keeps working.
from evenbetter.analytics.triggers.framework import (
    ASSESSMENT_COLUMNS,
    LAGGING,
    LEADING,
    NOT_RECORDED,
    OUTCOMES,
    RESULT_COLUMNS,
    Snapshot,
    Trigger,
    TriggerData,
    TriggerSettings,
    all_triggers,
    get_trigger,
    register_trigger,
)
from evenbetter.analytics.triggers.lagging import FallingAttainment, Rise, RisingAbsence, WeakInspection, robust_spread
from evenbetter.analytics.triggers.leading import (
    NARROW_PEERS,
    PEERS,
    BreadthOfDecline,
    DataConfidence,
    GovernanceScrutiny,
    Isolation,
    LowTrust,
    LowWellbeing,
    Staffing,
    WeakPartnership,
)
from evenbetter.analytics.triggers.thresholds import COMPARISONS, Check, Condition, ThresholdTrigger

__all__ = [
    "ASSESSMENT_COLUMNS",
    "COMPARISONS",
    "LAGGING",
    "LEADING",
    "NARROW_PEERS",
    "NOT_RECORDED",
    "OUTCOMES",
    "PEERS",
    "RESULT_COLUMNS",
    "BreadthOfDecline",
    "Check",
    "Condition",
    "DataConfidence",
    "FallingAttainment",
    "GovernanceScrutiny",
    "Isolation",
    "LowTrust",
    "LowWellbeing",
    "Rise",
    "RisingAbsence",
    "Snapshot",
    "Staffing",
    "ThresholdTrigger",
    "Trigger",
    "TriggerData",
    "TriggerSettings",
    "WeakInspection",
    "WeakPartnership",
    "all_triggers",
    "evaluate_triggers",
    "get_trigger",
    "number",
    "register_trigger",
    "robust_spread",
    "trigger_states",
]
