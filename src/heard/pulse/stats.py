"""The statistics, computed from per-group counts, sums and sums of squares (so they
never need raw answers). numpy/scipy do the work; these functions only wire them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Moments:
    """Per group (rows) and item (columns): mean, sample variance, 95% CI of the mean."""

    mean: FloatArray
    variance: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray


def moments(n: NDArray[np.int64], sums: NDArray[np.int64], squares: NDArray[np.int64]) -> Moments:
    """Student-t 95% intervals from n, sum and sum of squares. ``n`` is per row."""
    n_col = n.astype(np.float64)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = sums / n_col
        # (n*Q - S^2) / (n(n-1)) is exact in integers before the one division.
        variance = (n_col * squares - sums.astype(np.float64) ** 2) / (n_col * (n_col - 1))
        half = stats.t.ppf(0.975, n_col - 1) * np.sqrt(variance / n_col)
    return Moments(mean, variance, mean - half, mean + half)


def rwg(variance: FloatArray, options: NDArray[np.int64]) -> FloatArray:
    """Within-group agreement r_WG (James, Demaree & Wolf 1984): 1 - s^2 / sigma^2_EU, where
    sigma^2_EU = (A^2 - 1) / 12 is the variance of a uniform answer over A options.
    Values below 0 (more spread than random answering) are reported as 0."""
    expected = (options.astype(np.float64) ** 2 - 1) / 12
    return np.clip(1 - variance / expected, 0.0, 1.0)


def icc1(n: NDArray[np.int64], means: FloatArray, variances: FloatArray) -> float | None:
    """ICC(1) from a one-way ANOVA over groups (Bliese 2000), with n0 for unequal sizes:
    (MSB - MSW) / (MSB + (n0 - 1) MSW). None with fewer than two groups."""
    groups = len(n)
    total = float(n.sum())
    if groups < 2 or total <= groups:
        return None
    grand = float((n * means).sum() / total)
    ms_between = float((n * (means - grand) ** 2).sum()) / (groups - 1)
    ms_within = float(((n - 1) * variances).sum()) / (total - groups)
    n0 = (total - float((n.astype(np.float64) ** 2).sum()) / total) / (groups - 1)
    denominator = ms_between + (n0 - 1) * ms_within
    return (ms_between - ms_within) / denominator if denominator > 0 else None


def spearman(x: FloatArray, y: FloatArray) -> float | None:
    """Rank correlation; None when it is undefined (too few items or no spread)."""
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    # The row-wise version is the same statistic without scipy.stats.spearmanr's per-call
    # overhead (about 1 ms), which a leader's trend pays once per round.
    rho = spearman_rows(np.atleast_2d(x).astype(np.float64), np.atleast_2d(y).astype(np.float64))[0]
    return None if np.isnan(rho) else float(rho)


def spearman_rows(x: FloatArray, y: FloatArray) -> FloatArray:
    """Spearman's rho for each row pair at once (average ranks for ties, as scipy's
    ``spearmanr``); NaN where a row has no spread or fewer than three columns."""
    if x.shape[1] < 3:
        return np.full(x.shape[0], np.nan)
    rx = stats.rankdata(x, axis=1)
    ry = stats.rankdata(y, axis=1)
    dx = rx - rx.mean(axis=1, keepdims=True)
    dy = ry - ry.mean(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = (dx * dy).sum(axis=1) / np.sqrt((dx**2).sum(axis=1) * (dy**2).sum(axis=1))
    return np.asarray(rho, dtype=np.float64)
