"""The early-warning model, scikit-learn style: fit, calibrated probabilities, log-odds and
per-school contributions that add up to them."""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # installed with scikit-learn

from evenbetter.analytics.risk.settings import MODEL_KINDS, RiskSettings


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


def _estimator(kind: str, settings: RiskSettings, random_state: int) -> Any:
    weight = "balanced" if settings.balanced else None
    if kind == "logistic":
        return Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)),
                ("scale", StandardScaler()),
                ("model", LogisticRegression(C=settings.C, class_weight=weight, max_iter=5000)),
            ]
        )
    return HistGradientBoostingClassifier(
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

    ``X`` is a frame of features (one row per school and period, the index the school, so
    that a school's rows from several periods stay in one fold); ``y`` 0/1, a Series with
    X's index or an array in X's order, NaN for unknown outcomes (left out, never taken as 0). At predict time, missing columns are
    taken as missing values and extra columns are ignored.

    Attributes after fit: ``chosen_kind``, ``feature_names``, ``base_log_odds``,
    ``medians_`` (each feature's training median: "a typical school"), ``calibration_``,
    ``cv_average_precision_`` (per kind tried), ``n_positives_``.
    """

    chosen_kind: str
    feature_names: list[str]
    base_log_odds: float
    medians_: pd.Series
    calibration_: str
    cv_average_precision_: dict[str, float]
    n_positives_: int

    def __init__(self, kind: str = "auto", random_state: int = 0, settings: RiskSettings | None = None) -> None:
        self.kind = kind
        self.random_state = random_state
        self.settings = settings

    def _threads(self) -> Any:
        threads = (self.settings or RiskSettings()).threads
        return threadpool_limits(limits=threads) if threads is not None else contextlib.nullcontext()

    def fit(self, X: pd.DataFrame, y: pd.Series | np.ndarray) -> RiskModel:
        with self._threads():
            return self._fit(X, y)

    def _fit(self, X: pd.DataFrame, y: pd.Series | np.ndarray) -> RiskModel:
        settings = self.settings or RiskSettings()
        if self.kind not in MODEL_KINDS:
            raise ValueError(f"unknown model kind {self.kind!r}: use one of {', '.join(MODEL_KINDS)}")
        if isinstance(y, pd.Series) and not y.index.equals(X.index):
            raise ValueError("y's index must be X's, row for row (or pass y as an array aligned by position)")
        target = np.asarray(y, dtype=float)
        if len(target) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(target)}")
        known = ~np.isnan(target)
        features = X.loc[known].apply(pd.to_numeric, errors="coerce").astype(float)
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
        self.medians_ = pd.Series(np.nanmedian(matrix, axis=0), index=self.feature_names)
        splits = _grouped_splits(labels, features.index.to_numpy(), settings.cv_folds, self.random_state)

        self.cv_average_precision_ = {}
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
                    fitted = clone(_estimator(kind, settings, self.random_state)).fit(
                        matrix[sample][train], labels[sample][train]
                    )
                    out_of_fold[test] = fitted.decision_function(matrix[sample][test])
                self.cv_average_precision_[kind] = float(average_precision_score(labels[sample], out_of_fold))
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
        self.calibrated_ = CalibratedClassifierCV(
            _estimator(self.chosen_kind, settings, self.random_state),
            method=self.calibration_,
            cv=splits,
            ensemble=False,
        ).fit(matrix, labels)
        self.estimator_ = self.calibrated_.calibrated_classifiers_[0].estimator
        if self.chosen_kind == "logistic":
            self.base_log_odds = float(self.estimator_.named_steps["model"].intercept_[0])
        else:
            self.base_log_odds = float(self.estimator_.decision_function(self.medians_.to_numpy()[None, :])[0])
        return self

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        if not hasattr(self, "estimator_"):
            raise ValueError("the risk model is not fitted yet: call fit first")
        return X.reindex(columns=self.feature_names).apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)

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
        terms = standardised * model.coef_[0]
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
        full = self.estimator_.decision_function(matrix)
        raw = np.empty((rows, width))
        occluded = matrix.copy()
        for j in range(width):
            occluded[:, j] = self.medians_.iloc[j]
            raw[:, j] = full - self.estimator_.decision_function(occluded)
            occluded[:, j] = matrix[:, j]
        # Share what the single-feature effects leave unexplained in proportion to their size,
        # equally when none moved (pure interaction), so that each row adds up.
        residual = full - self.base_log_odds - raw.sum(axis=1)
        size = np.abs(raw)
        total = size.sum(axis=1, keepdims=True)
        weight = np.where(total > 0, size / np.where(total > 0, total, 1.0), 1.0 / width)
        return np.asarray(raw + residual[:, None] * weight, dtype=float)
