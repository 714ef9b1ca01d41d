"""Detector metrics in pure numpy: AUROC, TPR at a fixed FPR, expected calibration error.

Labels ``y`` are 1 for synthetic (positive) and 0 for human; scores ``s`` are higher for more synthetic.
"""

from __future__ import annotations

import numpy as np


def _split(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Returns (positive scores, negative scores); fails unless both classes are present."""
    y = np.asarray(y).astype(bool)
    s = np.asarray(s, dtype=np.float64)
    if y.shape != s.shape:
        raise ValueError(f"y and s differ in shape: {y.shape} != {s.shape}")
    if y.all() or not y.any():
        raise ValueError("both classes are needed")
    return s[y], s[~y]


def _ranks(s: np.ndarray) -> np.ndarray:
    """1-based ranks of ``s``, ties sharing their mean rank."""
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)
    return (last - (counts - 1) / 2.0)[inverse]


def auroc(y: np.ndarray, s: np.ndarray) -> float:
    """Area under the ROC curve: P(score of a positive > score of a negative), ties counting one half.

    Args:
        y: 1 for positive (synthetic), 0 for negative (human).
        s: scores, higher meaning more positive.
    """
    pos, neg = _split(y, s)
    rank_sum = _ranks(np.concatenate([pos, neg]))[: len(pos)].sum()
    return float((rank_sum - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg)))


def tpr_at_fpr(y: np.ndarray, s: np.ndarray, fpr: float) -> float:
    """True-positive rate at the strictest threshold whose false-positive rate is at most ``fpr``.

    The threshold is the smallest score ``t`` such that at most ``fpr`` of negatives score ``> t``; positives count
    when they score ``> t``, so ties with negatives never help.

    Args:
        y: 1 for positive (synthetic), 0 for negative (human).
        s: scores, higher meaning more positive.
        fpr: allowed false-positive rate in [0, 1].
    """
    pos, neg = _split(y, s)
    allowed = int(np.floor(fpr * len(neg) + 1e-9))
    ordered = np.sort(neg)[::-1]
    threshold = ordered[allowed] if allowed < len(neg) else -np.inf
    return float(np.mean(pos > threshold))


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: bin-size-weighted mean |observed positive rate - mean p| over equal-width bins.

    Args:
        y: 1 for positive (synthetic), 0 for negative (human).
        p: predicted probabilities of the positive class, in [0, 1].
        bins: number of equal-width bins over [0, 1]; p = 1 falls in the last bin.
    """
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    index = np.minimum((p * bins).astype(int), bins - 1)
    counts = np.bincount(index, minlength=bins)
    gap = np.abs(np.bincount(index, weights=y, minlength=bins) - np.bincount(index, weights=p, minlength=bins))
    return float(gap.sum() / counts.sum())
