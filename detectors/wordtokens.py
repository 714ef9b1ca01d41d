"""Word tokens for a lexical style classifier: lowercased words, punctuation as tokens, digits folded to ``0``.

Unlike ``textdistort.distort`` every word is kept, so a classifier sees the vocabulary and phrasing language models
favour. Typography that depends on the editor or the collecting pipeline is folded as ``distort`` folds it (curly
quotes, non-breaking spaces, line breaks and runs of spaces), from the same ``textdistort.spaced`` form. The work is
C-level string methods only.
"""

from __future__ import annotations

from synthsieve.detectors.textdistort import spaced

_DIGITS = bytes.maketrans(b"123456789", b"000000000")


def words_spaced(data: bytes) -> str:
    """``words`` of a text already ``textdistort.spaced``."""
    lowered = data.lower() if data.isascii() else data.decode().lower().encode()
    return b" ".join(lowered.translate(_DIGITS).split()).decode()


def words(text: str) -> str:
    """The first ``MAX_CHARS`` characters of ``text`` as one line of space-separated lowercase tokens.

    Example: ``words("It’s 2024, Delve!")`` is ``"it's 0000 , delve !"``.
    """
    return words_spaced(spaced(text))
