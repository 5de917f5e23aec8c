"""Honest evaluation: a rolling temporal backtest beside baselines ranked on the same rows,
and whether the model just learned disadvantage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from evenbetter.analytics.risk.examples import Examples, _build, _candidate_periods, _Frames, _known, _require
from evenbetter.analytics.risk.metrics import (
    _model_ranking,
    _rows_metrics,
    _top_weights,
    best_baseline,
    calibration_table,
)
from evenbetter.analytics.risk.model import RiskModel, _grouped_splits, declared_effects
from evenbetter.analytics.risk.settings import (
    BASELINES,
    CROSS_VALIDATION,
    FAIRNESS_COLUMNS,
    GROUP_COLUMNS,
    INDICATOR_FALL,
    PUBLISHED_ANCHOR,
    RANKING_NAMES,
    TEMPORAL,
    Outcome,
    RiskData,
    RiskSettings,
    number,
)


@dataclass(frozen=True, eq=False)
class Backtest:
    """A backtest's test rows and what they show.

    ``predictions``: one row per test school and outcome period: ``fold``, ``school_id``,
    ``as_of``, ``outcome_period``, ``y``, ``risk``, ``log_odds``, ``ranking`` (the model's
    order), and the baselines' scores ``random_shuffle`` and each of ``BASELINES``.
    ``folds``: the metrics per fold; ``chosen_kinds``: the model each fold chose;
    ``skipped``: test periods left out, and why; ``context``: the schools' context indexed
    by ``school_id`` (``fsm``, and categories such as ``phase`` and ``region``) for the
    fairness reports.
    """

    outcome: Outcome
    method: str
    predictions: pd.DataFrame
    folds: pd.DataFrame
    chosen_kinds: dict[str, str]
    skipped: list[str] = field(default_factory=list)
    fsm: pd.Series | None = None
    context: pd.DataFrame | None = None

    def table(self) -> pd.DataFrame:
        """Pooled over every test row: the model and the baselines, one row each, columns ``METRICS``."""
        return _rows_metrics(self.predictions)

    def best_baseline(self) -> str | None:
        """The baseline with the best pooled ROC AUC: the one the model is compared with. For
        an indicator fall both directions are baselines ("worst current first" and "highest
        first"), so a ranking that is merely backwards cannot make the model look good."""
        return best_baseline(self.table())

    def calibration(self, fold: str | None = None) -> pd.DataFrame:
        """Predicted risk against what happened, by decile of predicted risk (pooled, or one fold)."""
        rows = self.predictions if fold is None else self.predictions[self.predictions["fold"] == fold]
        return calibration_table(rows["y"].to_numpy(dtype=float), rows["risk"].to_numpy(dtype=float))

    def by_group(self, column: str) -> pd.DataFrame:
        """For the model, per category of a context column (``phase``, ``region``): rows,
        positives, prevalence, mean predicted risk, the positives caught in the pooled riskiest
        20% and the share of that riskiest 20% in the category. Empty without the column."""
        if self.context is None or column not in self.context.columns:
            return pd.DataFrame(columns=[column, *GROUP_COLUMNS]).set_index(column)
        rows = self.predictions
        group = rows["school_id"].map(self.context[column]).fillna("unknown").astype(str)
        weights, places = _top_weights(rows["ranking"].to_numpy(dtype=float), 0.2)
        y = rows["y"].to_numpy(dtype=float)
        risk = rows["risk"].to_numpy(dtype=float)
        records = []
        for label in sorted(group.unique().tolist()):
            inside = (group == label).to_numpy()
            count = int(inside.sum())
            positives = int(y[inside].sum())
            records.append(
                {
                    column: label,
                    "n": count,
                    "positives": positives,
                    "prevalence": positives / count if count else float("nan"),
                    "mean_risk": float(risk[inside].mean()) if count else float("nan"),
                    "recall_at_20": float((weights * y)[inside].sum() / positives) if positives else float("nan"),
                    "share_of_riskiest_20": float(weights[inside].sum() / places) if places else float("nan"),
                }
            )
        return pd.DataFrame(records, columns=[column, *GROUP_COLUMNS]).set_index(column)

    def by_fsm_quintile(self) -> pd.DataFrame:
        """For the model, per quintile of the schools' FSM share (1 = least disadvantaged):
        rows, positives, prevalence, mean predicted risk, the positives caught in the pooled
        riskiest 20%, and the share of that riskiest 20% in the quintile. Empty without context."""
        if self.fsm is None or self.fsm.dropna().empty:
            return pd.DataFrame(columns=FAIRNESS_COLUMNS).set_index("fsm_quintile")
        fsm = self.fsm.dropna()
        quintile = pd.qcut(fsm.rank(method="first"), 5, labels=False) + 1 if len(fsm) >= 5 else fsm * 0 + 1
        rows = self.predictions
        group = rows["school_id"].map(quintile)
        weights, places = _top_weights(rows["ranking"].to_numpy(dtype=float), 0.2)
        y = rows["y"].to_numpy(dtype=float)
        records = []
        labels: list[Any] = [1, 2, 3, 4, 5]
        if group.isna().any():
            labels.append("unknown")
        for label in labels:
            inside = (group.isna() if label == "unknown" else group == label).to_numpy()
            members = fsm[quintile == label] if label != "unknown" else pd.Series(dtype=float)
            count = int(inside.sum())
            positives = int(y[inside].sum())
            records.append(
                {
                    "fsm_quintile": label,
                    "fsm_range": f"{number(members.min())}–{number(members.max())}" if len(members) else "",
                    "n": count,
                    "positives": positives,
                    "prevalence": positives / count if count else float("nan"),
                    "mean_risk": float(rows["risk"].to_numpy(dtype=float)[inside].mean()) if count else float("nan"),
                    "recall_at_20": float((weights * y)[inside].sum() / positives) if positives else float("nan"),
                    "share_of_riskiest_20": float(weights[inside].sum() / places) if places else float("nan"),
                }
            )
        return pd.DataFrame(records, columns=FAIRNESS_COLUMNS).set_index("fsm_quintile")

    def report(self) -> str:
        pooled = self.table()
        model = {
            str(name): float(value)
            for name, value in zip(pooled.columns, pooled.loc["model"].to_numpy(dtype=float), strict=True)
        }
        periods = sorted(self.predictions["outcome_period"].unique().tolist())
        if self.method == TEMPORAL:
            how = (
                "temporal: for each test period, trained on outcomes from earlier periods only and "
                "tested on the next, as the system would have been used"
            )
        else:
            how = (
                f"{self.method}: there is no earlier period to train on, so schools were split into "
                "folds of the same period; this says less about the future than a temporal backtest"
            )
        lines = [
            f"Early-warning backtest: the chance that {self.outcome.describe()}.",
            f"Method: {how}.",
            f"Outcome periods tested: {', '.join(periods)}; models chosen: "
            + ", ".join(f"{fold} {kind}" for fold, kind in self.chosen_kinds.items())
            + ".",
            f"Pooled over {int(model['n']):,} test rows, {int(model['positives']):,} of them declined "
            f"(prevalence {model['positives'] / max(model['n'], 1):.1%}).",
            "",
            "Model beside baselines ranked on the same rows (recall_at_k: share of those who declined "
            "found in the riskiest k%):",
            pooled.to_string(float_format=lambda v: f"{v:.3f}"),
            "",
        ]
        lines += ["Rankings: " + "; ".join(f"{name}: {RANKING_NAMES[name]}" for name in pooled.index) + ".", ""]
        figures = pooled.astype(float).to_dict("index")
        best = self.best_baseline()
        if best is not None:
            best_auc = figures[best]["roc_auc"]
            lines.append(
                f"Best baseline: {best} ({RANKING_NAMES[best]}), ROC AUC {best_auc:.3f}; "
                f"the model is {model['roc_auc'] - best_auc:+.3f} against it."
            )
        if self.outcome.kind == INDICATOR_FALL:
            lines.append(
                "For a fall, ranking the worst current value first puts schools that can hardly fall at the top; "
                "its opposite (best_current) ranks the schools with the most room to fall first. The model is "
                "compared with whichever of the two is better."
            )
        lines.append(
            f"Best possible: a perfect ranking finds {figures['best_possible']['recall_at_10']:.0%} of "
            f"those who declined within the riskiest 10% and "
            f"{figures['best_possible']['recall_at_20']:.0%} within the riskiest 20% "
            "(fewer than all when more schools declined than there are places)."
        )
        lines.append("")
        if self.skipped:
            lines += ["Left out: " + "; ".join(self.skipped) + ".", ""]
        fairness = self.by_fsm_quintile()
        if fairness.empty:
            lines.append("By FSM quintile: no FSM context was given.")
        else:
            lines += [
                "By FSM quintile (1 = least disadvantaged): does the model just find disadvantage?",
                fairness.to_string(float_format=lambda v: f"{v:.3f}"),
            ]
        for column in ("phase", "region"):
            groups = self.by_group(column)
            if not groups.empty:
                lines += ["", f"By {column}:", groups.to_string(float_format=lambda v: f"{v:.3f}")]
        anchor = PUBLISHED_ANCHOR
        lines += [
            "",
            f"Published anchor: {anchor['source']} caught {anchor['recall_at_10']:.0%} of {anchor['outcome']} "
            f"within the riskiest 10% and {anchor['recall_at_20']:.0%} within the riskiest 20% "
            f"(here: {model['recall_at_10']:.0%} and {model['recall_at_20']:.0%}). Different data and a "
            "different outcome: a reference point, not a like-for-like comparison.",
        ]
        return "\n".join(lines)


def _fold_rows(fold: str, examples: Examples, model: RiskModel, rows: np.ndarray) -> pd.DataFrame:
    X = examples.X.iloc[rows]
    risk = model.predict_proba(X)[:, 1]
    log_odds = model.log_odds(X)
    baselines = examples.baselines.iloc[rows]
    return pd.DataFrame(
        {
            "fold": fold,
            "school_id": X.index.to_numpy(),
            "as_of": examples.as_of,
            "outcome_period": examples.outcome_period,
            "y": examples.y.iloc[rows].to_numpy(dtype=float),
            "risk": risk,
            "log_odds": log_odds,
            **{name: baselines[name].to_numpy(dtype=float) for name in BASELINES},
        }
    )


def backtest(
    data: RiskData,
    outcome: Outcome,
    *,
    periods: list[str] | None = None,
    test_periods: list[str] | None = None,
    settings: RiskSettings | None = None,
    random_state: int = 0,
    kind: str = "auto",
) -> Backtest:
    """Rolling temporal evaluation beside baselines.

    For each outcome period ``t`` (``periods``, default every period the outcome can be read
    in) with at least ``min_train_periods`` earlier outcome periods: train on the examples
    whose outcome period is before ``t`` (each as at the period before its outcome period),
    test on the examples of ``t`` as at the period before ``t``. With only one outcome period
    it falls back to a stratified k-fold cross-validation on that period (seeded, schools
    kept whole) and says so in ``method``.

    ``test_periods``: test only these outcome periods, each trained on every usable outcome
    period before it (at most ``settings.max_train_periods`` of them, the latest): settings
    chosen on an earlier period can then be tested on later ones without touching them.
    """
    settings = settings or RiskSettings()
    frames = _Frames.of(data)
    candidates = sorted(str(p) for p in periods) if periods is not None else _candidate_periods(frames, outcome)
    if test_periods is not None and test_periods:
        # Nothing after the last period tested is read, not even to build its examples.
        last = max(str(p) for p in test_periods)
        candidates = [period for period in candidates if period <= last]
    examples: dict[str, Examples] = {}
    skipped: list[str] = []
    # Latest first, so that with a training window the periods no test reaches are never built.
    window = settings.max_train_periods if test_periods else None
    first_test = min(str(p) for p in test_periods) if test_periods else ""
    earlier_found = 0
    for period in sorted(candidates, reverse=True):
        if window is not None and period < first_test and earlier_found >= max(window, settings.min_train_periods):
            break
        before = frames.previous(period)
        if before is None:
            skipped.append(f"{period} (no earlier period to stand at)")
            continue
        built = _build(frames, outcome, before, period, settings)
        if built.y.notna().any():
            examples[period] = built
            earlier_found += period < first_test
    skipped.reverse()
    usable = sorted(examples)
    if not usable:
        raise ValueError(f"no period has a known outcome ({outcome.describe()})")
    shuffle = np.random.default_rng(random_state)
    parts: list[pd.DataFrame] = []
    chosen: dict[str, str] = {}
    tested_periods = set(usable if test_periods is None else [str(p) for p in test_periods])
    if test_periods is not None:
        missing = sorted(tested_periods - set(usable))
        skipped += [f"{period} (no known outcome to test)" for period in missing]
    if len(usable) > settings.min_train_periods:
        method = TEMPORAL
        for i, period in enumerate(usable):
            if i < settings.min_train_periods or period not in tested_periods:
                continue
            earlier_periods = usable[:i]
            if settings.max_train_periods is not None:
                earlier_periods = earlier_periods[-settings.max_train_periods :]
            training = [_known(examples[earlier]) for earlier in earlier_periods]
            X = pd.concat([features for features, _ in training])
            y = pd.concat([target for _, target in training])
            effects = declared_effects(pd.concat([examples[p].feature_info for p in earlier_periods]), outcome)
            try:
                model = RiskModel(kind=kind, random_state=random_state, settings=settings).fit(X, y, effects=effects)
            except ValueError as error:
                skipped.append(f"{period} ({error})")
                continue
            tested = examples[period]
            rows = np.flatnonzero(tested.y.notna().to_numpy())
            parts.append(_fold_rows(period, tested, model, rows))
            chosen[period] = model.chosen_kind
    else:
        method = CROSS_VALIDATION if len(usable) == 1 else f"cross-validation: only {len(usable)} outcome periods"
        only = examples[usable[-1]]
        known_rows = np.flatnonzero(only.y.notna().to_numpy())
        labels = only.y.iloc[known_rows].to_numpy(dtype=float).astype(np.int64)
        splits = _grouped_splits(labels, only.X.index.to_numpy()[known_rows], settings.backtest_folds, random_state)
        for number, (train, test) in enumerate(splits, start=1):
            fold = f"fold {number}"
            train_rows = known_rows[train]
            model = RiskModel(kind=kind, random_state=random_state, settings=settings).fit(
                only.X.iloc[train_rows], only.y.iloc[train_rows], effects=declared_effects(only.feature_info, outcome)
            )
            parts.append(_fold_rows(fold, only, model, known_rows[test]))
            chosen[fold] = model.chosen_kind
    if not parts:
        raise ValueError("no period could be tested: " + "; ".join(skipped))
    for part in parts:
        part["random_shuffle"] = shuffle.random(len(part))
    predictions = pd.concat(parts, ignore_index=True)
    predictions["ranking"] = _model_ranking(
        predictions["risk"].to_numpy(dtype=float), predictions["log_odds"].to_numpy(dtype=float)
    )
    folds = pd.concat(
        {fold: _rows_metrics(rows) for fold, rows in predictions.groupby("fold", sort=False)}, names=["fold"]
    )
    fsm = None
    context = None
    if data.context is not None:
        _require(data.context, ["school_id", "fsm"], "context")
        context = data.context.drop_duplicates("school_id", keep="last").set_index("school_id")
        fsm = pd.Series(pd.to_numeric(context["fsm"], errors="coerce").to_numpy(dtype=float), index=context.index)
    return Backtest(
        outcome=outcome,
        method=method,
        predictions=predictions,
        folds=folds,
        chosen_kinds=chosen,
        skipped=skipped,
        fsm=fsm,
        context=context,
    )
