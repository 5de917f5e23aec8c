"""Which way each input may move the risk: the effects its declared direction allows.

Pure pandas, no scikit-learn: the model (``model``) holds its fit to these effects, and the
pages that word a school's reasons (``earlywarning.wording``) read them without loading the
model's libraries.
"""

from __future__ import annotations

import pandas as pd

from evenbetter.analytics.risk.settings import INDICATOR_FALL, Outcome
from evenbetter.vocabulary.directions import HIGHER, LOWER

# How a higher value of an input may move the risk: up, down, or either way (no constraint).
RAISES, LOWERS, EITHER = 1, -1, 0
# Why an input with a declared direction is left free: a school high on the very indicator
# whose fall is the outcome has further to fall, so there a good value may raise the risk.
FURTHER_TO_FALL = "further_to_fall"


def direction_effect(direction: str) -> int:
    """How a higher value moves the risk when ``direction`` says which way is better."""
    return LOWERS if direction == HIGHER else RAISES if direction == LOWER else EITHER


def exempt_from_direction(source: str, outcome: Outcome | None) -> str:
    """Why an input's declared direction is not imposed on the model ("" when it is): the
    outcome indicator's own level and change under an indicator fall (regression to the mean
    is real, and the model may use it)."""
    if outcome is not None and outcome.kind == INDICATOR_FALL and source == outcome.indicator:
        return FURTHER_TO_FALL
    return ""


def declared_effects(feature_info: pd.DataFrame, outcome: Outcome | None = None) -> dict[str, int]:
    """Per feature, the effect its declared direction allows (``RAISES``, ``LOWERS`` or
    ``EITHER``), from ``feature_info`` (columns ``feature``, ``source``, ``direction``): the
    constraints :meth:`RiskModel.fit` takes.

    >>> info = pd.DataFrame({"feature": ["level:vacancies", "level:trust", "level:size"],
    ...                      "source": ["vacancies", "trust", "size"],
    ...                      "direction": ["lower", "higher", "neither"]})
    >>> declared_effects(info)
    {'level:vacancies': 1, 'level:trust': -1, 'level:size': 0}
    """
    effects = {}
    for row in feature_info.to_dict("records"):
        exempt = exempt_from_direction(str(row["source"]), outcome)
        effects[str(row["feature"])] = EITHER if exempt else direction_effect(str(row["direction"]))
    return effects
