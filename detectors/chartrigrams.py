"""Character trigrams for a typing-style classifier: the first 400 characters of a text as overlapping three-character
tokens, whitespace runs as ``_``, case and punctuation kept.

Trigrams cross word boundaries and see how a text is typed: capitals, spacing, punctuation habits, contractions, word
endings. A batch is cut from one array of its code units with numpy, not a Python loop over characters.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CHARS = 400
_BMP = 0xFFFF  # code points above it take two UTF-16 units


def chars(text: str) -> str:
    """The character trigrams of the first ``CHARS`` characters of ``text``, space-separated; a text of fewer than
    three characters is its own single token. A lone surrogate reads as ``?``.

    Example: ``chars("Hi, you")`` is ``"Hi, i,_ ,_y _yo you"``.
    """
    return chars_batch([text])[0]


def chars_batch(texts: Sequence[str]) -> list[str]:
    """``chars`` of every text of a batch."""
    cuts = [_underscored(text[:CHARS]) for text in texts]
    # A lone surrogate becomes one "?": one code unit per character either way.
    units = np.frombuffer("".join(cuts).encode("utf-32-le", errors="replace"), dtype=np.uint32)
    astral = units > _BMP
    # UTF-16 decodes ~20x faster than UTF-32; texts with characters beyond the BMP are redone from UTF-32 below.
    spaced = _trigrams(np.where(astral, ord("?"), units).astype(np.uint16)).decode("utf-16-le")
    astral_before = np.concatenate([[0], np.cumsum(astral)])
    lines, start = [], 0
    for cut in cuts:
        end = start + len(cut)
        if len(cut) < 3:
            lines.append(units[start:end].astype("<u4").tobytes().decode("utf-32-le"))
        elif astral_before[end] > astral_before[start]:
            lines.append(_trigrams(units[start:end]).decode("utf-32-le")[:-1])
        else:
            # Trigram i is at [4i, 4i + 3) with a space after; those straddling into the next text are skipped.
            lines.append(spaced[4 * start : 4 * (end - 2) - 1])
        start = end
    return lines


def _underscored(cut: str) -> str:
    """``cut`` with every whitespace run (``str.isspace``) replaced by one ``_``, and NUL (a token separator to
    fastText, not whitespace to Python) by ``?``."""
    cut = cut.replace("\x00", "?")
    joined = "_".join(cut.split())
    if not joined:
        return "_" if cut else ""
    return ("_" if cut[0].isspace() else "") + joined + ("_" if cut[-1].isspace() else "")


def _trigrams(units: np.ndarray) -> bytes:
    """The code units of every trigram of ``units``, each followed by a space, as little-endian bytes."""
    grams = np.empty((max(len(units) - 2, 0), 4), dtype=units.dtype)
    grams[:, 0], grams[:, 1], grams[:, 2], grams[:, 3] = units[:-2], units[1:-1], units[2:], ord(" ")
    return grams.astype(units.dtype.newbyteorder("<"), copy=False).tobytes()
