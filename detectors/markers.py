"""Marker phrases that chat assistants leave in text they write."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from synthsieve.detectors.registry import register

#: Hard evidence: artefacts of a chat interface or an unfilled template. Code -> pattern. A text that says it
#: was written by an AI is provenance (``synthsieve.provenance.disclosure``), not a marker.
STRONG = {
    "regenerate_response": r"\bregenerate response\b",
    "template_placeholder": r"\[(?:your name|insert [^\]]{1,40}|company name|recipient'?s? name)\]",
    "cannot_fulfill": r"\bi(?:'m| am) (?:sorry|unable),? but i (?:can(?:not|'t)|am unable to) (?:fulfill|assist|help with) (?:this|that|your) request\b",
}
#: Soft evidence: typical of assistants, but people write them too; reported, weighed by the stacker.
SOFT = {
    "certainly_here_is": r"^\W*(?:certainly|sure|absolutely|of course)[!,.]\s+here(?:'s| is| are)\b",
    "hope_this_helps": r"\bi hope (?:this|that) helps\b",
    "feel_free_to_ask": r"\bfeel free to (?:ask|reach out)\b.{0,40}\b(?:questions|further)\b",
    "it_is_important_to_note": r"\bit(?:'s| is) (?:important|worth|crucial) to (?:note|remember|consider)\b",
    "in_conclusion": r"(?:^|\n)\s*in (?:conclusion|summary),",
}


def _compile(patterns: dict[str, str]) -> re.Pattern:
    return re.compile("|".join(f"(?P<{code}>{p})" for code, p in patterns.items()), re.IGNORECASE | re.MULTILINE)


_STRONG, _SOFT = _compile(STRONG), _compile(SOFT)


def find_markers(text: str, pattern: re.Pattern) -> list[str]:
    """Sorted codes of the marker families found in ``text``."""
    return sorted({m.lastgroup for m in pattern.finditer(text)})


@register("markers_v1")
class MarkersV1:
    """Counts strong and soft assistant markers; strong ones are hard evidence with a reason each."""

    name = "markers_v1"
    version = "1"
    outputs = ("strong", "soft")

    def score(self, texts: Sequence[str]) -> dict[str, np.ndarray | list[list[str]]]:
        """Returns ``strong``/``soft`` counts per text and ``reasons`` (``marker:<code>`` per strong family)."""
        strong = [find_markers(t, _STRONG) for t in texts]
        soft = [find_markers(t, _SOFT) for t in texts]
        return {
            "strong": np.array([len(s) for s in strong], dtype=np.float32),
            "soft": np.array([len(s) for s in soft], dtype=np.float32),
            "reasons": [[f"marker:{c}" for c in s] + [f"soft_marker:{c}" for c in w] for s, w in zip(strong, soft)],
        }
