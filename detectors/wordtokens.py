"""Word tokens for a lexical style classifier: lowercased words, punctuation as tokens, digits folded to ``0``.

Unlike ``textdistort.distort`` every word is kept, so a classifier sees the vocabulary and phrasing language models
favour. Typography that depends on the editor or the collecting pipeline is folded as ``distort`` folds it (curly
quotes, non-breaking spaces and line breaks), from the same ``textdistort.spaced`` form. Runs of whitespace stay:
fastText splits tokens at them itself, so the line is never split and joined in Python (two C-level passes a text).
"""

from __future__ import annotations

from synthsieve.detectors.textdistort import spaced

# Digits fold to 0; ASCII whitespace becomes a space: one line a text. fastText splits tokens at runs of these (and
# at NUL, left as it is).
_DIGITS_AND_SPACES = bytes.maketrans(b"123456789\t\n\x0b\x0c\r", b"000000000     ")


def words_spaced(data: bytes) -> str:
    """``words`` of a text already ``textdistort.spaced``."""
    lowered = data.lower() if data.isascii() else data.decode().lower().encode()
    return lowered.translate(_DIGITS_AND_SPACES).decode()


def words(text: str) -> str:
    """The first ``MAX_CHARS`` characters of ``text`` as one line of lowercase tokens separated by spaces.

    Example: ``words("It’s 2024, Delve!").split()`` is ``["it's", "0000", ",", "delve", "!"]``.
    """
    return words_spaced(spaced(text))
