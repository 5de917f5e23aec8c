"""Generated goals for the demo, on real figures.

The demo's published results run from 2016/17 to 2018/19, so its goals are made as if set in
the autumn of 2017 on the figures then published (the baseline is the real 2016/17 value) and
judged on the real figures since: some are met, some behind, some missed. The goals and their
reasons are made up and marked ``is_generated``; the figures they are judged on are real. The
celebrations they earn are found by the same refresh as everyone's.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from evenbetter.accounts.models import Membership, Role, User
from evenbetter.benchmarks.models import Benchmark
from evenbetter.goals.apps import goal_records_changed
from evenbetter.goals.models import Goal
from evenbetter.goals.selectors import Owner, owner_figures
from evenbetter.indicators.models import Indicator
from evenbetter.schools.models import Partnership, School

SET_AT = dt.datetime(2017, 10, 2, 9, 0, tzinfo=dt.UTC)
BASELINE = "2016/17"

# (whose goal, indicator code, how far past the baseline to aim, by when, why)
GOALS = [
    ("school-leader", "ks2_ptrwm_exp", None, dt.date(2019, 7, 19),
     "Reach the even-better target for reading, writing and maths together: the upper quarter of schools like ours."),
    ("school-leader", "ks2_readprog", 2.0, dt.date(2020, 7, 17),
     "Reading progress two points higher: our reading-for-pleasure work should show in the results."),
    ("school-leader-b", "ks2_matprog", 1.5, dt.date(2019, 7, 19),
     "Maths progress up by one and a half points, with the lesson study we are starting with a partner school."),
    ("partnership-lead", "ks2_ptrwm_exp", 5.0, dt.date(2020, 7, 17),
     "Five points more of our pupils at the expected standard, across the cluster, by sharing what works."),
    ("locality-lead", "ks2_writprog", 1.0, dt.date(2020, 7, 17),
     "Writing progress a point higher across the locality: moderation together every term."),
]  # fmt: skip


def _owner(username: str) -> tuple[User, Owner] | None:
    """The demo user and what they set goals for: their school, partnership or locality."""
    found = (
        Membership.objects.filter(user__username=username, role__in=[Role.SCHOOL_LEADER, Role.PARTNERSHIP_LEAD,
                                                                      Role.LOCALITY_LEAD])
        .select_related("user", "school", "partnership", "locality")
        .first()
    )  # fmt: skip
    owner: Owner | None = (found.school or found.partnership or found.locality) if found else None
    return (found.user, owner) if found is not None and owner is not None else None


def _target(owner: Owner, indicator: Indicator, baseline: float, step: float | None) -> float:
    if step is None and isinstance(owner, School):
        even_better = (
            Benchmark.objects.filter(school=owner, indicator=indicator, period=BASELINE)
            .values_list("target", flat=True)
            .first()
        )
        if even_better is not None and even_better != baseline:
            return float(even_better) if even_better > baseline else baseline + 5.0
        step = 5.0
    step = step or 1.0
    return baseline + step if indicator.direction == Indicator.Direction.HIGHER_IS_BETTER else baseline - step


@transaction.atomic
def demo_generate_goals() -> list[Goal]:
    """The demo's goals, once: running it again finds them made."""
    made = []
    indicators = {i.code: i for i in Indicator.objects.filter(code__in={code for _, code, *_ in GOALS})}
    for username, code, step, due_on, why in GOALS:
        found = _owner(username)
        indicator = indicators.get(code)
        if found is None or indicator is None:
            continue
        user, owner = found
        baseline = next((f for f in owner_figures(owner, indicator) if f.period == BASELINE), None)
        if baseline is None:
            continue
        field = (
            "school" if isinstance(owner, School) else "partnership" if isinstance(owner, Partnership) else "locality"
        )
        goal, created = Goal.objects.get_or_create(
            **{field: owner},
            indicator=indicator,
            is_generated=True,
            defaults={
                "target": round(_target(owner, indicator, baseline.value, step), indicator.decimal_places),
                "due_on": due_on,
                "why": why,
                "baseline_period": baseline.period,
                "baseline_value": round(baseline.value, 2),
                "set_by": user,
            },
        )
        if created:
            # As if set in the autumn of 2017, on the figures then published.
            Goal.objects.filter(pk=goal.pk).update(set_at=SET_AT)
        made.append(goal)
    goal_records_changed()  # an update sends no post_save
    return made
