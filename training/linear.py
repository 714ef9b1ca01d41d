"""Weighted L2 logistic regression over z-scores: the fitting behind ``style_v2``, the stacker and ``lm_v2``."""

from __future__ import annotations

from collections import Counter

import numpy as np

CLIP = 5.0  # z-scores are clipped to [-CLIP, CLIP]: no single feature of an odd text dominates


def balanced_weights(groups: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row weights giving every (group, target) pair the same total weight; mean weight 1."""
    keys = [f"{g}\t{t}" for g, t in zip(groups, y)]
    sizes = Counter(keys)
    w = np.array([1.0 / sizes[k] for k in keys])
    return w * len(w) / w.sum()


def fit_logistic(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float, iterations: int = 50, free: int = 0
) -> np.ndarray:
    """Weighted L2-penalized logistic regression by Newton's method (the bias is not penalized).

    Args:
        X: features, shape ``[n, k]``.
        y: 0/1 targets.
        w: row weights.
        l2: penalty on the squared weights, relative to the mean weighted log-loss.
        iterations: the most Newton steps; it stops earlier once a step changes no coefficient by 1e-10.
        free: the last ``free`` columns are not penalized either (a trusted input among many shrunk ones).

    Returns:
        ``[bias, w_1, ..., w_k]``.
    """
    A = np.hstack([np.ones((len(X), 1)), X])
    w = w / w.sum()
    penalty = np.full(A.shape[1], l2)
    penalty[0] = 0.0
    if free:
        penalty[-free:] = 0.0
    beta = np.zeros(A.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(A @ beta)))
        gradient = A.T @ (w * (p - y)) + penalty * beta
        hessian = (A * (w * p * (1 - p))[:, None]).T @ A + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return beta


def human_scale(X: np.ndarray, human: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean and standard deviation of the ``human`` rows of ``X``: the z-scale of known-human text."""
    mean = np.average(X[human], axis=0, weights=w[human])
    return mean, np.sqrt(np.average((X[human] - mean) ** 2, axis=0, weights=w[human])) + 1e-9


def fit_zscored(X: np.ndarray, y: np.ndarray, groups: np.ndarray, names: list[str], l2: float) -> dict:
    """``p = sigmoid(bias + weights . clip((x - mean) / std))``, z-scores against the known-human rows (every
    group's humans weighing the same), fitted with every (group, target) pair weighing the same.

    Returns:
        ``{"features", "clip", "mean", "std", "weights", "bias"}``, as ``style.probability`` applies it.
    """
    w = balanced_weights(groups, y)
    mean, std = human_scale(X, y == 0, w)
    beta = fit_logistic(np.clip((X - mean) / std, -CLIP, CLIP), y, w, l2)
    return {
        "features": list(names),
        "clip": CLIP,
        "mean": mean.tolist(),
        "std": std.tolist(),
        "weights": beta[1:].tolist(),
        "bias": float(beta[0]),
    }


def rounded(value):
    """``value`` with every float rounded to 6 significant digits, so that a JSON card is byte-stable."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, list):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value
