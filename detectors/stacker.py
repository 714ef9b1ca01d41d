"""The first stage's combination of detector probabilities into one calibrated P(synthetic).

A logistic model over the detectors' log-odds, ``p = sigmoid(bias + sum_j w_j logit(p_j))``, fitted on out-of-fold
predictions (every text scored by detectors that never saw its data set), so ``p`` is calibrated for unseen
sources as far as the training data sets allow. Its card (``models/first_stage.json``) names the detectors it was
fitted for and the languages the combination was validated on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthsieve.detectors.base import MODELS, declared_languages

STACKER_PATH = MODELS / "first_stage.json"
_EPS = 1e-4  # probabilities are clipped to [eps, 1 - eps] before the log-odds: a bound on any one detector's vote


def logit(p: np.ndarray) -> np.ndarray:
    """Log-odds of probabilities clipped to ``[1e-4, 1 - 1e-4]``."""
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class Stacker:
    """Weights per detector (by versioned name) on its log-odds, and a bias."""

    weights: Mapping[str, float]
    bias: float
    languages: frozenset[str] | None = None

    @staticmethod
    def load(path: str | Path | None = None) -> Stacker:
        """The fitted stacker of a card (default: the packaged ``first_stage.json``)."""
        card = json.loads(Path(path or STACKER_PATH).read_text(encoding="utf-8"))
        return Stacker(card["weights"], card["bias"], declared_languages(card))

    @staticmethod
    def mean_logit(names: list[str]) -> Stacker:
        """The unfitted combination: the mean of the detectors' log-odds (no calibration)."""
        return Stacker({name: 1.0 / len(names) for name in names}, 0.0)

    def combine(self, probabilities: Mapping[str, np.ndarray]) -> np.ndarray:
        """P(synthetic) per text from each detector's P(synthetic) (arrays aligned with the texts), as float32.

        Raises:
            KeyError: a detector the stacker weighs is missing from ``probabilities``.
        """
        z = self.bias + sum(w * logit(probabilities[name]) for name, w in self.weights.items())
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
