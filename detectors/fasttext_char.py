"""fastText classifier over distorted text (function words, punctuation, word shapes): P(synthetic) per text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from synthsieve.detectors.registry import register
from synthsieve.detectors.textdistort import distort

MODEL_PATH = Path(__file__).parent / "models" / "fasttext_char_v1.ftz"
_SYNTHETIC = "__label__synthetic"


@register("fasttext_char_v1")
class FastTextCharV1:
    """Style detector: a quantized fastText model over ``textdistort.distort`` tokens and their n-grams.

    Featurization options (``llm_words``) come from the model's JSON sidecar when there is one.
    """

    name = "fasttext_char_v1"
    version = "1.0.0"
    outputs = ("p",)

    def __init__(self, model_path: str | None = None):
        path = Path(model_path) if model_path else MODEL_PATH
        if not path.is_file():
            raise FileNotFoundError(f"fastText model {path} is missing: run `synthsieve train` to create it")
        import fasttext

        self.model = fasttext.load_model(str(path))
        sidecar = path.with_suffix(".json")
        params = json.loads(sidecar.read_text(encoding="utf-8"))["params"] if sidecar.is_file() else {}
        self.llm_words = params.get("llm_words", True)

    def score(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Scores a batch with one fastText call.

        Returns:
            ``{"p": float32 array}``: P(synthetic) per text, in [0, 1].
        """
        if len(texts) == 0:
            return {"p": np.zeros(0, dtype=np.float32)}
        labels, probs = self.model.predict([distort(text, self.llm_words) for text in texts], k=-1)
        p = [prob[label.index(_SYNTHETIC)] for label, prob in zip(labels, probs, strict=True)]
        return {"p": np.clip(np.asarray(p, dtype=np.float32), 0.0, 1.0)}
