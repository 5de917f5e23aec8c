"""The early-warning model, scikit-learn style: fit, calibrated probabilities, log-odds and
per-school contributions that add up to them, with each input's effect kept to the way its
declared direction says (fewer governor vacancies never raise the risk)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize  # type: ignore[import-untyped]  # installed with scikit-learn
from scipy.special import expit  # type: ignore[import-untyped]
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV, _fit_calibrator
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
from sklearn.utils.class_weight import compute_sample_weight
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # installed with scikit-learn

# The declared effects live in ``effects`` (no scikit-learn there: the pages that word a
# school's reasons read them); their names stay importable from here.
from evenbetter.analytics.risk.effects import (
    EITHER,
    FURTHER_TO_FALL,
    LOWERS,
    RAISES,
    declared_effects,
    direction_effect,
    exempt_from_direction,
)
from evenbetter.analytics.risk.settings import MODEL_KINDS, RiskSettings

__all__ = [
    "EITHER",
    "FURTHER_TO_FALL",
    "LOWERS",
    "RAISES",
    "RiskModel",
    "declared_effects",
    "direction_effect",
    "exempt_from_direction",
]


def _split_thresholds(estimator: Any) -> dict[int, np.ndarray] | None:
    """Per column some tree of a fitted ``HistGradientBoostingClassifier`` splits on, the
    thresholds it is split at, sorted (None when the trees cannot be read, or split a
    category: then every column is treated as used, on every row).

    A column no tree splits on cannot move a prediction, so the occlusion need not predict
    again without it: most of the inputs, and most of the run's time, in a model of hundreds
    of inputs. And a value on the same side of every threshold as the median (the same
    number of thresholds below it) takes every tree down the same path as the median does:
    setting it to the median changes nothing, so that school need not be predicted again."""
    predictors = getattr(estimator, "_predictors", None)  # scikit-learn's own trees (pinned)
    if predictors is None:
        return None
    found: dict[int, list[np.ndarray]] = {}
    for trees in predictors:
        for tree in trees:
            splits = tree.nodes[tree.nodes["is_leaf"] == 0]
            if splits["is_categorical"].any():
                return None
            for j in np.unique(splits["feature_idx"]):
                found.setdefault(int(j), []).append(splits["num_threshold"][splits["feature_idx"] == j])
    return {j: np.unique(np.concatenate(parts)) for j, parts in found.items()}


def _as_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as floats, a value that is not a number as NaN. Columns already of floats
    (the examples' are, hundreds of them) are kept as they are: converting them one by one
    gives the same numbers, at a cost in every fit and prediction."""
    if all(dtype == np.float64 for dtype in frame.dtypes):
        return frame
    return frame.apply(pd.to_numeric, errors="coerce").astype(float)


def _trees_splitting_on(estimator: Any) -> dict[int, list[int]]:
    """Per column, the trees (by position in ``estimator._predictors``) that split on it."""
    found: dict[int, list[int]] = {}
    for position, (tree,) in enumerate(estimator._predictors):
        splits = tree.nodes[tree.nodes["is_leaf"] == 0]
        for j in np.unique(splits["feature_idx"]):
            found.setdefault(int(j), []).append(position)
    return found


def _tree_parts(estimator: Any, matrix: np.ndarray, trees: list[int]) -> list[np.ndarray]:
    """Each of these trees' own term of the fitted ``HistGradientBoostingClassifier``'s
    ``decision_function`` on these rows (one term per tree: a binary outcome), worked out as
    scikit-learn's ``_predict_iterations`` does (pinned)."""
    rows = estimator._preprocess_X(matrix, reset=False)
    known_categories, feature_map = estimator._bin_mapper.make_known_categories_bitsets()
    threads = _openmp_effective_n_threads()
    return [
        estimator._predictors[position][0].predict(
            rows, known_cat_bitsets=known_categories, f_idx_map=feature_map, n_threads=threads
        )
        for position in trees
    ]


def _added_up(baseline: float, parts: np.ndarray) -> np.ndarray:
    """The rows of ``parts`` (one column per tree, in the trees' order) added up one tree after
    the other from the baseline, as ``decision_function`` adds them: the same bits."""
    terms = np.empty((parts.shape[0], parts.shape[1] + 1))
    terms[:, 0] = 0.0
    terms[:, 0] += baseline
    terms[:, 1:] = parts
    return np.asarray(np.add.accumulate(terms, axis=1)[:, -1], dtype=float)


def _calibrated(
    estimator: Any, method: str, out_of_fold: np.ndarray, matrix: np.ndarray, labels: np.ndarray
) -> CalibratedClassifierCV:
    """What ``CalibratedClassifierCV(estimator, method=method, cv=splits, ensemble=False).fit(matrix,
    labels)`` makes, from out-of-fold scores already worked out on those ``splits`` (the
    choice between the kinds fits the same estimators on the same folds: fitting them again
    would be a third of a run's time, for the same numbers). Its own steps, in its order:
    the estimator fitted on every row, the calibrator on the out-of-fold scores."""
    calibrated = CalibratedClassifierCV(estimator, method=method, cv="prefit", ensemble=False)
    calibrated.classes_ = LabelEncoder().fit(labels).classes_
    fitted = clone(estimator).fit(matrix, labels)
    calibrated.calibrated_classifiers_ = [
        _fit_calibrator(fitted, out_of_fold.reshape(-1, 1), labels, calibrated.classes_, method, xp=np)
    ]
    calibrated.n_features_in_ = fitted.n_features_in_
    return calibrated


class SignedLogisticRegression(ClassifierMixin, BaseEstimator):
    """L2-penalised logistic regression whose coefficients keep the signs asked for.

    The same objective as scikit-learn's ``LogisticRegression`` (``C`` times the weighted log
    loss plus half the squared coefficients; the intercept is not penalised), minimised by
    L-BFGS-B with each coefficient bounded at 0 on the side its sign forbids: a sign-
    constrained fit, not a fit whose wrong signs are cut afterwards. ``signs`` gives the first
    columns' signs (1 at least 0, -1 at most 0, 0 free); later columns (missing-value flags)
    are free.
    """

    def __init__(
        self,
        C: float = 1.0,
        class_weight: str | None = None,
        signs: tuple[int, ...] = (),
        max_iter: int = 5000,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.signs = signs
        self.max_iter = max_iter

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> SignedLogisticRegression:
        matrix = np.asarray(X, dtype=float)
        labels = np.asarray(y)
        self.classes_ = np.unique(labels)
        if len(self.classes_) != 2:
            raise ValueError("the signed logistic regression needs exactly two classes")
        target = (labels == self.classes_[1]).astype(float)
        weights = np.ones(len(target)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if self.class_weight == "balanced":
            weights = weights * compute_sample_weight("balanced", labels)
        width = matrix.shape[1]
        signs = np.zeros(width, dtype=np.int64)
        given = np.asarray(self.signs, dtype=np.int64)[:width]
        signs[: len(given)] = given
        bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs]
        bounds.append((None, None))  # the intercept
        C = float(self.C)

        def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
            coef, intercept = params[:-1], params[-1]
            z = matrix @ coef + intercept
            loss = float(weights @ (np.logaddexp(0.0, z) - target * z))
            residual = weights * (expit(z) - target)
            gradient = np.empty_like(params)
            gradient[:-1] = C * (matrix.T @ residual) + coef
            gradient[-1] = C * residual.sum()
            return C * loss + 0.5 * float(coef @ coef), gradient

        found = minimize(
            objective,
            np.zeros(width + 1),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": self.max_iter},
        )
        # Bounded at exactly 0: L-BFGS-B may stop a hair outside, which would flip a sign.
        coef = np.where(signs > 0, np.maximum(found.x[:-1], 0.0), found.x[:-1])
        coef = np.where(signs < 0, np.minimum(coef, 0.0), coef)
        self.coef_ = coef[None, :]
        self.intercept_ = found.x[-1:].copy()
        self.n_features_in_ = width
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(np.asarray(X, dtype=float) @ self.coef_[0] + self.intercept_[0], dtype=float)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        chance = expit(self.decision_function(X))
        return np.column_stack([1.0 - chance, chance])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.classes_[(self.decision_function(X) > 0).astype(np.int64)])


def _usable_columns(features: pd.DataFrame) -> list[str]:
    """Columns that can tell schools apart: not all missing, not one value everywhere
    (a column with one value and some gaps is kept: being missing can be telling)."""
    keep = []
    for name in features.columns:
        values = features[name].to_numpy(dtype=float)
        known = ~np.isnan(values)
        if not known.any():
            continue
        if known.all() and np.all(values == values[0]):
            continue
        keep.append(str(name))
    return keep


def _grouped_splits(
    target: np.ndarray, groups: np.ndarray, folds: int, random_state: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded folds that keep each school's rows together, stratified by whether a school
    ever declined (scikit-learn's ``StratifiedKFold`` over schools, which is much faster than
    ``StratifiedGroupKFold`` on thousands of schools), every training part with both classes."""
    codes = pd.factorize(pd.Series(groups, dtype=object))[0]
    ever = (np.bincount(codes, weights=target) > 0).astype(np.int64)
    counts = np.bincount(ever, minlength=2)
    present = counts[counts > 0]
    k = min(folds, int(present.min()) if len(present) == 2 else len(ever))
    while k >= 2:
        fold_of = np.empty(len(ever), dtype=np.int64)
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
        for fold, (_, test) in enumerate(splitter.split(np.zeros(len(ever)), ever)):
            fold_of[test] = fold
        row_fold = fold_of[codes]
        splits = [(np.flatnonzero(row_fold != fold), np.flatnonzero(row_fold == fold)) for fold in range(k)]
        if all(0 < target[train].sum() < len(train) for train, _ in splits):
            return splits
        k -= 1
    raise ValueError("too few schools of one class to cross-validate the risk model")


def _sample_schools(groups: np.ndarray, rows: int, random_state: int) -> np.ndarray:
    """Row positions of a seeded sample of whole schools with at most ``rows`` rows (all when fewer)."""
    if len(groups) <= rows:
        return np.arange(len(groups))
    codes = pd.factorize(pd.Series(groups, dtype=object))[0]
    order = np.random.default_rng(random_state).permutation(codes.max() + 1)
    sizes = np.bincount(codes)[order]
    chosen = np.zeros(codes.max() + 1, dtype=bool)
    chosen[order[np.cumsum(sizes) <= rows]] = True
    return np.flatnonzero(chosen[codes])


def _estimator(kind: str, settings: RiskSettings, random_state: int, signs: tuple[int, ...] = ()) -> Any:
    """The estimator of a kind; ``signs`` per feature (``RAISES``, ``LOWERS``, ``EITHER``)."""
    weight = "balanced" if settings.balanced else None
    constrained = any(signs)
    if kind == "logistic":
        # Scaling by a positive factor keeps each column's sign, so the signs hold on the
        # standardised columns too; the missing-value flags come after them and are free.
        model: Any = (
            SignedLogisticRegression(C=settings.C, class_weight=weight, signs=signs)
            if constrained
            else LogisticRegression(C=settings.C, class_weight=weight, max_iter=5000)
        )
        return Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)),
                ("scale", StandardScaler()),
                ("model", model),
            ]
        )
    return HistGradientBoostingClassifier(
        monotonic_cst=list(signs) if constrained else None,
        learning_rate=settings.boosting_learning_rate,
        max_iter=settings.boosting_max_iter,
        max_leaf_nodes=settings.boosting_max_leaf_nodes,
        min_samples_leaf=settings.boosting_min_samples_leaf,
        l2_regularization=settings.boosting_l2_regularization,
        early_stopping=False,
        class_weight=weight,
        random_state=random_state,
    )


class RiskModel(BaseEstimator):
    """The early-warning model, scikit-learn style.

    Parameters
    ----------
    kind : "logistic", "boosting" or "auto" (the better average precision in a grouped
        cross-validation on the training data, on at most ``settings.auto_max_rows`` rows of
        whole schools; the logistic model unless the trees beat it by
        ``settings.prefer_logistic_margin``).
    random_state : seeds the folds and the trees; the same seed gives the same model.
    settings : :class:`RiskSettings`.
    constrain : keep each feature's effect to the way ``fit``'s ``effects`` say (monotonic
        constraints for the trees, a sign-constrained fit for the logistic model); False
        fits freely whatever ``effects`` says (to measure what the constraints cost).

    ``X`` is a frame of features (one row per school and period, the index the school, so
    that a school's rows from several periods stay in one fold); ``y`` 0/1, a Series with
    X's index or an array in X's order, NaN for unknown outcomes (left out, never taken as 0). At predict time, missing columns are
    taken as missing values and extra columns are ignored.

    Attributes after fit: ``chosen_kind``, ``feature_names``, ``base_log_odds``,
    ``medians_`` (each feature's training median: "a typical school"), ``calibration_``,
    ``cv_average_precision_`` (per kind tried), ``n_positives_``, ``effects_`` (per feature,
    the effect the model was held to: ``RAISES``, ``LOWERS`` or ``EITHER``).

    Contributions are measured from "a typical school" for both kinds: every feature at its
    training median, with a value (no missing-value flag); ``base_log_odds`` is that school's
    log-odds. So a feature held to ``RAISES`` pushes the risk up only when its value is above
    the median, and a logistic contribution is exactly its coefficient times its standardised
    distance from the median (plus its missing-value flag's term when the value is missing).
    """

    chosen_kind: str
    feature_names: list[str]
    base_log_odds: float
    medians_: pd.Series
    calibration_: str
    cv_average_precision_: dict[str, float]
    n_positives_: int
    effects_: dict[str, int]

    def __init__(
        self, kind: str = "auto", random_state: int = 0, settings: RiskSettings | None = None, constrain: bool = True
    ) -> None:
        self.kind = kind
        self.random_state = random_state
        self.settings = settings
        self.constrain = constrain

    def _threads(self) -> Any:
        threads = (self.settings or RiskSettings()).threads
        return threadpool_limits(limits=threads) if threads is not None else contextlib.nullcontext()

    def fit(self, X: pd.DataFrame, y: pd.Series | np.ndarray, *, effects: Mapping[str, int] | None = None) -> RiskModel:
        """Fit; ``effects`` (per feature name, from :func:`declared_effects`) holds each
        feature's effect to its declared direction; features not named are free."""
        with self._threads():
            return self._fit(X, y, effects or {})

    def _fit(self, X: pd.DataFrame, y: pd.Series | np.ndarray, effects: Mapping[str, int]) -> RiskModel:
        settings = self.settings or RiskSettings()
        if self.kind not in MODEL_KINDS:
            raise ValueError(f"unknown model kind {self.kind!r}: use one of {', '.join(MODEL_KINDS)}")
        if isinstance(y, pd.Series) and not y.index.equals(X.index):
            raise ValueError("y's index must be X's, row for row (or pass y as an array aligned by position)")
        target = np.asarray(y, dtype=float)
        if len(target) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(target)}")
        known = ~np.isnan(target)
        features = _as_numbers(X.loc[known])
        target = target[known]
        if not np.isin(target, (0.0, 1.0)).all():
            raise ValueError("y must be 0 (did not decline), 1 (declined) or missing")
        labels = target.astype(np.int64)
        positives = int(labels.sum())
        negatives = len(labels) - positives
        if positives < settings.min_positives:
            raise ValueError(
                f"too few positives: only {positives} school(s) declined in the training data; the risk model "
                f"needs at least {settings.min_positives} to learn from"
            )
        if negatives < settings.min_positives:
            raise ValueError(
                f"too few negatives: only {negatives} school(s) did not decline in the training data; the risk "
                f"model needs at least {settings.min_positives}"
            )
        self.feature_names = _usable_columns(features)
        if not self.feature_names:
            raise ValueError("no feature has values that differ between schools")
        matrix = features[self.feature_names].to_numpy(dtype=float)
        self.effects_ = {
            name: int(effects.get(name, EITHER)) if self.constrain else EITHER for name in self.feature_names
        }
        signs = tuple(self.effects_[name] for name in self.feature_names)
        self.medians_ = pd.Series(np.nanmedian(matrix, axis=0), index=self.feature_names)
        splits = _grouped_splits(labels, features.index.to_numpy(), settings.cv_folds, self.random_state)

        self.cv_average_precision_ = {}
        # The chooser's out-of-fold scores per kind, when it used every row and the calibration's folds.
        out_of_folds: dict[str, np.ndarray] = {}
        if self.kind == "auto":
            # On a large training set the choice is made on a sample of whole schools: enough to
            # tell the two apart, at a fraction of the cost.
            sample = _sample_schools(features.index.to_numpy(), settings.auto_max_rows, self.random_state)
            if labels[sample].sum() < settings.min_positives:
                sample = np.arange(len(labels))
            chooser = splits
            if len(sample) < len(labels):
                chooser = _grouped_splits(
                    labels[sample], features.index.to_numpy()[sample], settings.cv_folds, self.random_state
                )
            for kind in ("logistic", "boosting"):
                out_of_fold = np.zeros(len(sample))
                for train, test in chooser:
                    fitted = clone(_estimator(kind, settings, self.random_state, signs)).fit(
                        matrix[sample][train], labels[sample][train]
                    )
                    out_of_fold[test] = fitted.decision_function(matrix[sample][test])
                self.cv_average_precision_[kind] = float(average_precision_score(labels[sample], out_of_fold))
                if chooser is splits:
                    out_of_folds[kind] = out_of_fold
            better = (
                self.cv_average_precision_["boosting"]
                > self.cv_average_precision_["logistic"] + settings.prefer_logistic_margin
            )
            self.chosen_kind = "boosting" if better else "logistic"
        else:
            self.chosen_kind = self.kind

        self.n_positives_ = positives
        self.calibration_ = "isotonic" if positives >= settings.isotonic_min_positives else "sigmoid"
        # ensemble=False: the calibrator learns from out-of-fold scores, and one estimator fitted
        # on all the rows gives the log-odds that the contributions explain.
        estimator = _estimator(self.chosen_kind, settings, self.random_state, signs)
        if self.chosen_kind in out_of_folds:
            self.calibrated_ = _calibrated(estimator, self.calibration_, out_of_folds[self.chosen_kind], matrix, labels)
        else:
            self.calibrated_ = CalibratedClassifierCV(
                estimator, method=self.calibration_, cv=splits, ensemble=False
            ).fit(matrix, labels)
        self.estimator_ = self.calibrated_.calibrated_classifiers_[0].estimator
        # Both kinds: the log-odds of a school at every training median (for the logistic
        # model the missing-value flags are 0 there: the typical school has its values).
        self.base_log_odds = float(self.estimator_.decision_function(self.medians_.to_numpy()[None, :])[0])
        return self

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        if not hasattr(self, "estimator_"):
            raise ValueError("the risk model is not fitted yet: call fit first")
        return _as_numbers(X.reindex(columns=self.feature_names)).to_numpy(dtype=float)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probabilities, shape (n, 2): column 1 is the chance of decline."""
        matrix = self._matrix(X)
        with self._threads():
            return np.asarray(self.calibrated_.predict_proba(matrix), dtype=float)

    def log_odds(self, X: pd.DataFrame) -> np.ndarray:
        """The uncalibrated log-odds that :meth:`contributions` explains."""
        matrix = self._matrix(X)
        with self._threads():
            return np.asarray(self.estimator_.decision_function(matrix), dtype=float)

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per school and feature, how far it pushed the log-odds up (+) or down (-) from
        ``base_log_odds``; each row plus ``base_log_odds`` is :meth:`log_odds`."""
        matrix = self._matrix(X)
        with self._threads():
            if self.chosen_kind == "logistic":
                parts = self._logistic_contributions(matrix)
            else:
                parts = self._occlusion_contributions(matrix)
        return pd.DataFrame(parts, index=X.index, columns=self.feature_names)

    def _logistic_contributions(self, matrix: np.ndarray) -> np.ndarray:
        imputer = self.estimator_.named_steps["impute"]
        scaler = self.estimator_.named_steps["scale"]
        model = self.estimator_.named_steps["model"]
        standardised = scaler.transform(imputer.transform(matrix))
        typical = scaler.transform(imputer.transform(self.medians_.to_numpy()[None, :]))
        terms = (standardised - typical) * model.coef_[0]
        width = len(self.feature_names)
        parts = terms[:, :width].copy()
        # A missing-value flag counts towards the feature it flags.
        if imputer.indicator_ is not None:
            for column, feature in enumerate(imputer.indicator_.features_):
                parts[:, feature] += terms[:, width + column]
        return np.asarray(parts, dtype=float)

    def _occlusion_contributions(self, matrix: np.ndarray) -> np.ndarray:
        rows, width = matrix.shape
        if rows == 0:
            return np.zeros((0, width))
        raw = np.zeros((rows, width))
        thresholds = _split_thresholds(self.estimator_)
        medians = self.medians_.to_numpy(dtype=float)
        if thresholds is None or self.estimator_.n_trees_per_iteration_ != 1:
            # The trees unread: every school predicted again for every input.
            full = self.estimator_.decision_function(matrix)
            for j in range(width):
                occluded = matrix.copy()
                occluded[:, j] = medians[j]
                raw[:, j] = full - self.estimator_.decision_function(occluded)
        else:
            # Each tree's own term, once for every school: setting an input to the median changes
            # only the terms of the trees that split on it, so only those are predicted again,
            # and the terms are added up in the trees' order, as decision_function adds them (the
            # same bits as predicting the whole row again, checked in the occlusion test).
            baseline = float(np.asarray(self.estimator_._baseline_prediction).ravel()[0])
            everyone = list(range(len(self.estimator_._predictors)))
            parts = np.column_stack(_tree_parts(self.estimator_, matrix, everyone))
            full = _added_up(baseline, parts)
            trees_of = _trees_splitting_on(self.estimator_)
            for j in range(width):
                if j not in thresholds:
                    continue  # no tree splits on it: setting it to anything changes no prediction
                # Only the schools on another side of some threshold than the median (or with
                # no value, which may go the other way) can change: the others' raw stays 0,
                # exactly full - full. A school's prediction is worked out on its own row, so
                # predicting a few rows gives the same bits as predicting them among all.
                column = matrix[:, j]
                if np.isnan(medians[j]):
                    moved = np.arange(rows)  # no value at all takes the missing values' way
                else:
                    cuts = thresholds[j]
                    side = np.searchsorted(cuts, column, side="left")
                    median_side = np.searchsorted(cuts, medians[j], side="left")
                    moved = np.flatnonzero(np.isnan(column) | (side != median_side))
                if len(moved) == 0:
                    continue
                occluded = matrix[moved]
                occluded[:, j] = medians[j]
                changed = parts[moved]
                for position, part in zip(
                    trees_of[j], _tree_parts(self.estimator_, occluded, trees_of[j]), strict=True
                ):
                    changed[:, position] = part
                raw[moved, j] = full[moved] - _added_up(baseline, changed)
        # Share what the single-feature effects leave unexplained in proportion to their size,
        # equally when none moved (pure interaction), so that each row adds up.
        residual = full - self.base_log_odds - raw.sum(axis=1)
        size = np.abs(raw)
        total = size.sum(axis=1, keepdims=True)
        weight = np.where(total > 0, size / np.where(total > 0, total, 1.0), 1.0 / width)
        return np.asarray(raw + residual[:, None] * weight, dtype=float)
