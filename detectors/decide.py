"""Scores and provenance in, ``p_synthetic``, label and reasons out (scoring is separate from deciding)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

NOT_JUDGED_P = 0.5


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on ``p_synthetic`` and the floor that hard evidence lifts it to."""

    synthetic: float
    human: float
    marker_p: float


@dataclass
class Decisions:
    """One batch's decisions, aligned with its texts."""

    p_synthetic: np.ndarray
    labels: list[str]
    reasons: list[list[str]]


def decide(
    scores: Mapping[str, Mapping[str, np.ndarray]],
    judged: np.ndarray,
    gate_reasons: Sequence[str | None],
    disclosures: Sequence[Sequence[str]],
    thresholds: Thresholds,
) -> Decisions:
    """Combines detector scores into ``p_synthetic`` and a three-way label.

    Args:
        scores: detector name -> its named score arrays (``p`` is a probability of synthetic, ``strong`` a count
            of hard-evidence markers, ``reasons`` per-text reason lists).
        judged: bool mask of texts the text detectors may judge (the gate passed them).
        gate_reasons: ``not_scored:<why>`` for texts the gate held back, else None.
        disclosures: per text, the provenance's AI-disclosure markers (hard evidence).
        thresholds: the configured thresholds.
    """
    n = len(judged)
    probs = [s["p"] for s in scores.values() if "p" in s]
    if not probs:  # no text detector configured: only hard evidence decides
        judged = np.zeros(n, bool)
        gate_reasons = [r or "not_scored:no_text_detector" for r in gate_reasons]
    p = np.mean(probs, axis=0).astype(np.float32) if probs else np.full(n, NOT_JUDGED_P, np.float32)
    p = np.where(judged, p, np.float32(NOT_JUDGED_P))
    strong = sum((s["strong"] for s in scores.values() if "strong" in s), np.zeros(n, np.float32))
    hard = (strong > 0) | np.array([bool(d) for d in disclosures])
    p = np.where(hard, np.maximum(p, thresholds.marker_p), p).astype(np.float32)
    labels = np.where(p >= thresholds.synthetic, "synthetic", np.where(p <= thresholds.human, "human", "uncertain"))
    labels = np.where(~judged & ~hard, "uncertain", labels)
    reasons = _reasons(scores, judged, gate_reasons, disclosures, labels, p, thresholds)
    return Decisions(p_synthetic=p, labels=labels.tolist(), reasons=reasons)


def _reasons(scores, judged, gate_reasons, disclosures, labels, p, thresholds) -> list[list[str]]:
    out = []
    for i, label in enumerate(labels):
        why = [f"disclosure:{d}" for d in disclosures[i]]
        if gate_reasons[i]:
            why.append(gate_reasons[i])
        for name, s in scores.items():
            if "p" in s and judged[i]:
                why.append(f"{name}:p={s['p'][i]:.2f}")
            why.extend(s.get("reasons", [[]] * len(labels))[i])
        why.append(_threshold_reason(label, p[i], thresholds))
        out.append(why)
    return out


def _threshold_reason(label: str, p: float, t: Thresholds) -> str:
    if label == "synthetic":
        return f"p_synthetic={p:.2f}>={t.synthetic:.2f}"
    if label == "human":
        return f"p_synthetic={p:.2f}<={t.human:.2f}"
    return f"p_synthetic={p:.2f} between thresholds" if p > t.human and p < t.synthetic else "held_for_review"
