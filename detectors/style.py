"""Stylometric detector: a linear model over z-scored ``stylometry`` features, P(synthetic) per text, numpy only."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from synthsieve.detectors.base import Detector, Output, Scores, declared_languages, model_file
from synthsieve.detectors.registry import register
from synthsieve.detectors.stylometry import features


def probability(model: dict, X: np.ndarray) -> np.ndarray:
    """P(synthetic) of each row of ``X`` under a fitted linear model.

    Args:
        model: ``features`` (names), ``mean`` and ``std`` (known-human text), ``clip``, ``weights``, ``bias``.
        X: ``stylometry.features`` of the texts, columns in ``model["features"]`` order.
    """
    z = (X - np.asarray(model["mean"])) / np.asarray(model["std"])
    z = np.clip(z, -model["clip"], model["clip"])
    return 1.0 / (1.0 + np.exp(-(model["bias"] + z @ np.asarray(model["weights"]))))


@register("style_v2")
class StyleV2(Detector):
    """Style detector: ``p = sigmoid(bias + weights · clip((x - mean) / std))`` over stylometric features.

    ``mean`` and ``std`` describe known-human text, so each z-score says how far a text is from human habits.
    """

    name = "style_v2"
    version = "2.0.0"
    outputs = (Output("p", "P(synthetic) of the stylometric model"),)

    def __init__(self, model: dict, languages: frozenset[str] | None):
        self.model = model
        self.languages = languages

    @classmethod
    def load(cls, model_path: str | None = None) -> StyleV2:
        card = json.loads(
            model_file(
                model_path, f"{cls.name}.json", "`synthsieve train --config` with style_v2 in detectors.enabled"
            ).read_text("utf-8")
        )
        return cls(card["model"], declared_languages(card))

    def score(self, texts: Sequence[str]) -> Scores:
        """Scores a batch with one ``stylometry.features`` call; ``p`` is in [0, 1]."""
        p = probability(self.model, features(texts, self.model["features"]))
        return Scores({"p": p.astype(np.float32)})
