"""Document language identification with py3langid."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Language is settled well within the opening of a text; classifying a bounded prefix keeps cost flat.
_PREFIX_CHARS = 2000
UNDETERMINED = "und"


@functools.cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_languages(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Identifies the language of each text from its first 2000 characters.

    Args:
        texts: Document texts.

    Returns:
        ISO 639-1 codes (``"und"`` for empty or whitespace-only texts) and float32 confidences in [0, 1] (0.0 for
        ``"und"``), one per text.
    """
    identifier = _identifier()
    codes: list[str] = []
    confidences = np.zeros(len(texts), dtype=np.float32)
    for i, text in enumerate(texts):
        prefix = text[:_PREFIX_CHARS]
        if not prefix.strip():
            codes.append(UNDETERMINED)
            continue
        code, confidence = identifier.classify(prefix)
        codes.append(code)
        confidences[i] = confidence
    return codes, confidences
