"""Evidence in, label and reasons out: near-duplicate signals and thresholds (scoring is ``detectors.scoring``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Evidence:
    """A batch's combined evidence, aligned with its texts: what a decision needs besides thresholds.

    ``p_synthetic`` is NaN for a text no detector scored and no hard evidence decided (a null in the output).
    """

    p_synthetic: np.ndarray
    judged: np.ndarray
    hard: np.ndarray
    reasons: list[list[str]]


@dataclass
class Decisions:
    """One batch's decisions, aligned with its texts."""

    p_synthetic: np.ndarray
    labels: list[str]
    reasons: list[list[str]]


def with_near_duplicates(
    evidence: Evidence,
    count: np.ndarray,
    n_domains: np.ndarray,
    known: np.ndarray,
    farm_min_domains: int,
    farm_logit: float,
    known_p: float,
) -> tuple[Evidence, list[list[str]]]:
    """Evidence raised by near-duplicate signals, and the reasons each document gains.

    A near-duplicate of known synthetic text is hard evidence (``p_synthetic`` at least ``known_p``, also for a text
    no detector scored); a copy in a cluster spanning ``farm_min_domains`` or more registered domains (a content
    farm) has ``farm_logit`` added to the log-odds of its ``p_synthetic``, a signal that moves it towards review, not
    proof on its own: a text no detector scored stays unscored (NaN).

    Args:
        evidence: the batch's combined detector evidence.
        count: cluster size of each document (1: no near-duplicate).
        n_domains: distinct registered domains of each document's cluster.
        known: whether each document's cluster holds known-synthetic text.
    """
    p = evidence.p_synthetic.astype(np.float64)
    farm = n_domains >= farm_min_domains
    logit = np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1)) + farm_logit
    p = np.where(farm, 1.0 / (1.0 + np.exp(-logit)), p)
    p = np.where(known, np.fmax(p, known_p), p).astype(np.float32)  # fmax: NaN (not scored) becomes known_p
    reasons = [
        [
            *([f"near_dup:count={c}"] if c > 1 else []),
            *([f"near_dup_farm:domains={d}"] if f else []),
            *(["near_dup_of_known_synthetic"] if k else []),
        ]
        for c, d, f, k in zip(count.tolist(), n_domains.tolist(), farm.tolist(), known.tolist())
    ]
    raised = Evidence(p, evidence.judged, evidence.hard | known, evidence.reasons)
    return raised, reasons


def label(evidence: Evidence, synthetic: np.ndarray | float, human: np.ndarray | float) -> Decisions:
    """Three-way labels from combined evidence and (per-document or global) thresholds.

    Hard evidence is synthetic whatever the thresholds; texts no detector judged are uncertain otherwise. The
    returned reasons are the threshold reason alone, one per text (the caller appends it to the evidence).
    """
    p, n = evidence.p_synthetic, len(evidence.p_synthetic)
    # float32 like p: a float64 0.9 is above float32(0.9), which would turn p == threshold into "below".
    syn_t = np.broadcast_to(np.asarray(synthetic, np.float32), n)
    hum_t = np.broadcast_to(np.asarray(human, np.float32), n)
    labels = np.where(p >= syn_t, "synthetic", np.where(p <= hum_t, "human", "uncertain"))
    labels = np.where(evidence.hard, "synthetic", np.where(evidence.judged, labels, "uncertain"))
    reasons = [[_threshold_reason(lab, p[i], syn_t[i], hum_t[i], evidence.hard[i])] for i, lab in enumerate(labels)]
    return Decisions(p_synthetic=p, labels=labels.tolist(), reasons=reasons)


def _threshold_reason(label: str, p: float, syn_t: float, hum_t: float, hard: bool) -> str:
    if hard:
        return f"hard_evidence:p_synthetic={p:.2f}"
    if label == "synthetic":
        return f"p_synthetic={p:.2f}>={syn_t:.2f}"
    if label == "human":
        return f"p_synthetic={p:.2f}<={hum_t:.2f}"
    return f"p_synthetic={p:.2f} between thresholds" if hum_t < p < syn_t else "held_for_review"
