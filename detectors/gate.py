"""The gate before scoring: texts every text detector is unreliable on are not judged.

Code, tables, maths, bare lists and short texts get ``not_scored:<why>``; they stay ``uncertain`` unless
provenance or markers decide. The tests are cheap character counts first, line statistics only when needed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

GATE_CHARS = 4000  # = stylometry.MAX_CHARS and textdistort's limit
CODE_CHARS = "{}();=<>[]"
MATH_CHARS = "=+^_\\$∑∫√≤≥±×÷∂∞"
_CODE_BYTES = CODE_CHARS.encode()  # all ASCII: a byte of these is the character itself in UTF-8
_MATH_BYTES = bytes(c for c in MATH_CHARS.encode() if c < 0x80)
_MATH_WIDE = "".join(c for c in MATH_CHARS if not c.isascii())
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·▪◦‣]|\(?\d{1,3}[.)]|[a-z][.)])\s+\S", re.MULTILINE)
_CODE_LINE = re.compile(
    r"(?:[;{}]\s*$|^\s*(?:def |class |import |from \S+ import|#include|function |return |var |let |const "
    r"|public |private |if \(|for \(|while \())",
    re.MULTILINE,
)
# Every ``_CODE_LINE`` match holds one of these characters or starts a line with one of these prefixes.
_CODE_ENDS = b";{}"
_CODE_STARTS = (
    "def ",
    "class ",
    "import ",
    "from ",
    "#include",
    "function ",
    "return ",
    "var ",
    "let ",
    "const ",
    "public ",
    "private ",
    "if (",
    "for (",
    "while (",
)
_LATEX = re.compile(
    r"\\(?:frac|sum|int|sqrt|alpha|beta|theta|lambda|mathbf|mathrm|left|right|cdot|leq|geq)\b|\$[^$\n]{1,80}\$"
)


def word_counts(texts: Sequence[str]) -> np.ndarray:
    """Whitespace-separated words per text, as int32."""
    return np.fromiter((len(t.split()) for t in texts), dtype=np.int32, count=len(texts))


def why_not_judged(text: str, n_words: int, min_words: int) -> str | None:
    """The reason a text should not be judged by text detectors, or None if it can be.

    Only the first ``GATE_CHARS`` characters are examined: the text detectors read no further.
    """
    if n_words < min_words:
        return "too_short"
    text = text[:GATE_CHARS]
    # ASCII characters are counted in the UTF-8 bytes: bytes.count and translate are C loops over bytes, where
    # str.count walks a non-ASCII text's wider code units.
    data = text.encode(errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) >= 3:
        if _code_lines_at_most(data, lines) >= 0.3 * len(lines) and len(_CODE_LINE.findall(text)) >= 0.3 * len(lines):
            return "code"
        if _table_lines(data) >= 0.4 * len(lines):
            return "table"
        if n_words < 15 * len(lines) and len(_LIST_ITEM.findall(text)) >= 0.6 * len(lines):
            return "list"
    if _count(data, _CODE_BYTES) > 0.08 * len(text):
        return "code"
    math = _count(data, _MATH_BYTES) + (0 if text.isascii() else sum(map(text.count, _MATH_WIDE)))
    if math > 0.05 * len(text) or _latex_commands(text) >= 3:
        return "math"
    return None


def _code_lines_at_most(data: bytes, lines: list[str]) -> int:
    """An upper bound of ``_CODE_LINE``'s matches in a text (``data``: its UTF-8), cheap enough to skip the regex on
    prose: its characters at line ends plus the lines that start with its keywords."""
    return _count(data, _CODE_ENDS) + sum(line.lstrip().startswith(_CODE_STARTS) for line in lines)


def _table_lines(data: bytes) -> int:
    """Lines (split at newlines) of a text's UTF-8 with at least two ``|`` or at least two tabs: table rows."""
    if data.count(b"|") < 2 and data.count(b"\t") < 2:
        return 0
    return sum(line.count(b"|") >= 2 or line.count(b"\t") >= 2 for line in data.split(b"\n"))


def _latex_commands(text: str) -> int:
    """LaTeX commands and short inline ``$...$`` formulas; none without a backslash or a dollar sign (most texts)."""
    return len(_LATEX.findall(text)) if "\\" in text or "$" in text else 0


def _count(data: bytes, chars: bytes) -> int:
    """Occurrences of any of the ASCII ``chars`` in UTF-8 ``data``: one C-level pass instead of one per character."""
    return len(data) - len(data.translate(None, chars))


def gate(texts: Sequence[str], n_words: np.ndarray, min_words: int) -> tuple[np.ndarray, list[str | None]]:
    """Returns the mask of judged texts and, for the others, ``not_scored:<why>``."""
    why = [why_not_judged(t, int(n), min_words) for t, n in zip(texts, n_words)]
    return np.array([w is None for w in why], dtype=bool), [None if w is None else f"not_scored:{w}" for w in why]
