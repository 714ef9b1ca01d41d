"""Character trigrams for a typing-style classifier: the first 400 characters of a text as overlapping three-character
tokens, whitespace runs as ``_``, case and punctuation kept.

Trigrams cross word boundaries and see how a text is typed: capitals, spacing, punctuation habits, contractions, word
endings. They are cut from the text's UTF-32 code units with numpy, not a Python loop over characters.
"""

from __future__ import annotations

import re

import numpy as np

CHARS = 400
_WHITESPACE = re.compile(r"\s+")


def chars(text: str) -> str:
    """The character trigrams of the first ``CHARS`` characters of ``text``, space-separated; a text of fewer than
    three characters is its own single token.

    Example: ``chars("Hi, you")`` is ``"Hi, i,_ ,_y _yo you"``.
    """
    cut = _WHITESPACE.sub("_", text[:CHARS])
    units = np.frombuffer(cut.encode("utf-32-le", errors="replace"), dtype=np.uint32)
    if len(units) < 3:
        return cut
    grams = np.empty((len(units) - 2, 4), dtype=np.uint32)
    grams[:, 0], grams[:, 1], grams[:, 2], grams[:, 3] = units[:-2], units[1:-1], units[2:], ord(" ")
    return grams.tobytes()[:-4].decode("utf-32-le")
