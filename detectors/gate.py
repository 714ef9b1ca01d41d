"""The gate before scoring: texts every text detector is unreliable on are not judged."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def word_counts(texts: Sequence[str]) -> np.ndarray:
    """Whitespace-separated words per text, as int32."""
    return np.fromiter((len(t.split()) for t in texts), dtype=np.int32, count=len(texts))


def gate(n_words: np.ndarray, min_words: int) -> tuple[np.ndarray, list[str | None]]:
    """Returns the mask of judged texts and, for the others, ``not_scored:<why>``."""
    judged = n_words >= min_words
    return judged, [None if ok else "not_scored:too_short" for ok in judged]
