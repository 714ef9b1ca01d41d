"""Stylometric detector: a linear model over z-scored ``stylometry`` features, P(synthetic) per text, numpy only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from synthsieve.detectors.registry import register
from synthsieve.detectors.stylometry import features

MODEL_PATH = Path(__file__).parent / "models" / "style_v1.json"


def probability(model: dict, X: np.ndarray) -> np.ndarray:
    """P(synthetic) of each row of ``X`` under a fitted linear model.

    Args:
        model: ``features`` (names), ``mean`` and ``std`` (human reference), ``clip``, ``weights``, ``bias``.
        X: ``stylometry.features`` of the texts, columns in ``model["features"]`` order.
    """
    z = (X - np.asarray(model["mean"])) / np.asarray(model["std"])
    z = np.clip(z, -model["clip"], model["clip"])
    return 1.0 / (1.0 + np.exp(-(model["bias"] + z @ np.asarray(model["weights"]))))


@register("style_v1")
class StyleV1:
    """Style detector: ``p = sigmoid(bias + weights · clip((x - mean) / std))`` over a few stylometric features.

    ``mean`` and ``std`` describe human reference text, so each z-score says how far a text is from human habits.
    """

    name = "style_v1"
    version = "1.0.0"
    outputs = ("p",)

    def __init__(self, model_path: str | None = None):
        path = Path(model_path) if model_path else MODEL_PATH
        if not path.is_file():
            raise FileNotFoundError(f"style model {path} is missing: run `synthsieve train` to create it")
        self.model = json.loads(path.read_text(encoding="utf-8"))["model"]

    def score(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Scores a batch with one ``stylometry.features`` call.

        Returns:
            ``{"p": float32 array}``: P(synthetic) per text, in [0, 1].
        """
        return {"p": probability(self.model, features(texts, self.model["features"])).astype(np.float32)}
