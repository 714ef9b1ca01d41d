"""Metrics of labelled predictions: separation from humans, three-way confusion, thresholds chosen out of fold.

``mixed`` (human text an LLM polished) stays its own class: separation and confusion report it apart from
``synthetic``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from synthsieve.detectors.decide import Evidence, label
from synthsieve.detectors.metrics import auroc, expected_calibration_error, tpr_at_fpr

GOLD = ("human", "synthetic", "mixed")
PREDICTED = ("human", "synthetic", "uncertain")
# An attack is a short name (rewrite, gpt4_humanize); lorenz-wiki-news holds the generator's free-text answer there.
_ATTACK_NAME = re.compile(r"[\w.-]{1,40}")


@dataclass
class Predictions:
    """Labelled rows' gold fields (``label``, ``dataset``, ``lang``, ``domain``, ``attack``, ``family``, ...) and
    their ``p_synthetic``, predicted label, gate outcome and hard evidence, as aligned arrays."""

    fields: dict[str, np.ndarray]
    p: np.ndarray
    labels: np.ndarray
    judged: np.ndarray
    hard: np.ndarray

    def column(self, key: str) -> np.ndarray:
        """One gold field of every row (``label`` is the gold label)."""
        return self.fields[key]

    def take(self, mask: np.ndarray) -> Predictions:
        """The rows where ``mask`` is true."""
        fields = {k: v[mask] for k, v in self.fields.items()}
        return Predictions(fields, self.p[mask], self.labels[mask], self.judged[mask], self.hard[mask])

    @staticmethod
    def concat(parts: list[Predictions]) -> Predictions:
        """The rows of several predictions, in order."""
        fields = {k: np.concatenate([p.fields[k] for p in parts]) for k in parts[0].fields}
        arrays = [np.concatenate([getattr(p, key) for p in parts]) for key in ("p", "labels", "judged", "hard")]
        return Predictions(fields, *arrays)


def labelled(pred: Predictions, synthetic: float, human: float) -> Predictions:
    """``pred`` labelled as ``decide.label`` labels at global thresholds."""
    decisions = label(Evidence(pred.p, pred.judged, pred.hard, []), synthetic, human)
    return Predictions(pred.fields, pred.p, np.array(decisions.labels, dtype=object), pred.judged, pred.hard)


def separation(gold: np.ndarray, p: np.ndarray, positive: str) -> dict[str, float] | None:
    """AUROC, TPR at 1% / 5% FPR and ECE of ``positive`` texts against humans; None unless both are present."""
    keep = (gold == "human") | (gold == positive)
    y, s = gold[keep] == positive, p[keep]
    if y.all() or not y.any():
        return None
    tpr = {f"tpr@{fpr:.0%}fpr": tpr_at_fpr(y, s, fpr) for fpr in (0.01, 0.05)}
    return {"auroc": auroc(y, s), **tpr, "ece": expected_calibration_error(y, s)}


def confusion(gold: np.ndarray, labels: np.ndarray) -> dict:
    """Counts per gold x predicted label, and the share of each gold label given each predicted label.

    Returns:
        ``confusion``, ``fpr`` (share of humans labelled synthetic), ``labelled_<label>`` (gold -> share, None if
        absent) and ``uncertain_share`` (of all rows).
    """
    matrix = {g: {lab: int(np.sum((gold == g) & (labels == lab))) for lab in PREDICTED} for g in GOLD}
    shares = {f"labelled_{lab}": {g: _share(matrix[g], lab) for g in GOLD} for lab in PREDICTED}
    uncertain = float(np.mean(labels == "uncertain")) if len(labels) else None
    return {"confusion": matrix, "fpr": shares["labelled_synthetic"]["human"], **shares, "uncertain_share": uncertain}


def _share(counts: dict[str, int], label: str) -> float | None:
    total = sum(counts.values())
    return counts[label] / total if total else None


def metrics(pred: Predictions) -> dict:
    """Counts, separation from humans (synthetic and mixed apart; judged texts only) and the three-way confusion."""
    gold = pred.column("label")
    judged = pred.judged & ~pred.hard
    return {
        **{f"n_{g}": int(np.sum(gold == g)) for g in GOLD},
        **{f"n_judged_{g}": int(np.sum(judged & (gold == g))) for g in GOLD},
        "n_not_judged": int(np.sum(~pred.judged)),
        "synthetic": separation(gold[judged], pred.p[judged], "synthetic"),
        "mixed": separation(gold[judged], pred.p[judged], "mixed"),
        **confusion(gold, pred.labels),
    }


def group_masks(pred: Predictions, key: str) -> dict[str, np.ndarray]:
    """Rows per value of ``key``, in sorted order; attacks that are free text form one group, ``(free text)``."""
    values = pred.column(key)
    if key == "attack":
        values = np.array([v if _ATTACK_NAME.fullmatch(v) else "(free text)" for v in values], dtype=object)
    return {value: values == value for value in sorted(set(values))}


def synthetic_threshold(p_human: np.ndarray, target_fpr: float) -> float | None:
    """The smallest threshold that at most ``target_fpr`` of the humans reach (``p >= t``).

    ``decide.label`` compares in float32, so the threshold is the next float32 above the highest score that must stay
    below it, in its shortest decimal form. None without scores, or when no threshold in [0, 1] is enough.
    """
    if len(p_human) == 0:
        return None
    allowed = int(np.floor(target_fpr * len(p_human) + 1e-9))
    if allowed >= len(p_human):
        return 0.0
    edge = np.sort(np.asarray(p_human, dtype=np.float32))[::-1][allowed]
    t = np.nextafter(edge, np.float32(np.inf))
    return _shortest(max(t, np.float32(0))) if t <= 1 else None


def human_threshold(p_synthetic: np.ndarray, target_fnr: float) -> float | None:
    """The largest threshold that at most ``target_fnr`` of the synthetic texts fall to (``p <= t``).

    Mirrors ``synthetic_threshold``: the next float32 below the lowest score that must stay above it.
    """
    if len(p_synthetic) == 0:
        return None
    allowed = int(np.floor(target_fnr * len(p_synthetic) + 1e-9))
    if allowed >= len(p_synthetic):
        return 1.0
    edge = np.sort(np.asarray(p_synthetic, dtype=np.float32))[allowed]
    t = np.nextafter(edge, np.float32(-np.inf))
    return _shortest(min(t, np.float32(1))) if t >= 0 else None


def _shortest(value: np.float32) -> float:
    # The shortest decimal that reads back as this float32: exact under float32 comparison, readable in YAML.
    return float(np.format_float_positional(value))


def thresholds(pred: Predictions, target_fpr: float, target_fnr: float) -> dict[str, float | None]:
    """Both thresholds for one set of predictions, counting what the label will be, not just ``p``.

    Hard evidence is synthetic and unjudged texts are uncertain whatever the thresholds: a human with hard evidence
    uses up the false-positive budget (score +inf) and an unjudged one never reaches it (score -inf). A threshold is
    None when no judged text of its class constrains it. When the two targets leave no gap (the classes separate),
    the human threshold sits just below the synthetic one: both targets still hold and nothing judged is left
    uncertain.
    """
    gold = pred.column("label")
    open_ = pred.judged & ~pred.hard
    as_synthetic = np.where(pred.hard, np.inf, np.where(open_, pred.p, -np.inf))
    as_human = np.where(open_, pred.p, np.inf)
    humans, synthetic = gold == "human", gold == "synthetic"
    syn_t = synthetic_threshold(as_synthetic[humans], target_fpr) if (open_ & humans).any() else None
    hum_t = human_threshold(as_human[synthetic], target_fnr) if (open_ & synthetic).any() else None
    if syn_t is not None and hum_t is not None and hum_t >= syn_t:
        hum_t = _shortest(max(np.nextafter(np.float32(syn_t), np.float32(-np.inf)), np.float32(0)))
    return {"synthetic_threshold": syn_t, "human_threshold": hum_t}
