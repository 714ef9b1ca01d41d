"""Marker phrases that chat assistants leave in text they write."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from synthsieve.detectors.base import Detector, Output, Scores
from synthsieve.detectors.registry import register

#: Hard evidence: artefacts of a chat interface or an unfilled template. A text that says it was written by an AI
#: is provenance (``synthsieve.provenance.disclosure``), not a marker. Code -> (literal anchors, pattern); patterns
#: run on the lowercased text, and only when one of their anchors occurs in it (a substring test is ~50x cheaper).
STRONG = {
    "regenerate_response": (("regenerate response",), r"\bregenerate response\b"),
    "template_placeholder": (("[",), r"\[(?:your name|insert [^\]]{1,40}|company name|recipient'?s? name)\]"),
    "cannot_fulfill": (
        ("request",),
        r"\bi(?:'m| am) (?:sorry|unable),? but i (?:can(?:not|'t)|am unable to) "
        r"(?:fulfill|assist|help with) (?:this|that|your) request\b",
    ),
}
#: Soft evidence: typical of assistants, but people write them too; reported as reasons, never decisive.
SOFT = {
    "certainly_here_is": (("here",), r"^\W*(?:certainly|sure|absolutely|of course)[!,.]\s+here(?:'s| is| are)\b"),
    "hope_this_helps": (("hope th",), r"\bi hope (?:this|that) helps\b"),
    "feel_free_to_ask": (("feel free",), r"\bfeel free to (?:ask|reach out)\b.{0,40}\b(?:questions|further)\b"),
    "it_is_important_to_note": (
        ("to note", "to remember", "to consider"),
        r"\bit(?:'s| is) (?:important|worth|crucial) to (?:note|remember|consider)\b",
    ),
    "in_conclusion": (("in conclusion", "in summary"), r"^\s*in (?:conclusion|summary),"),
}


class _AtLineStart:
    """``^pattern`` in multiline mode, searched fast: a match at the text's start or right after a newline. Python's
    re tries every position for a pattern that opens with ``^`` and an alternation; one led by a literal newline
    jumps from newline to newline."""

    def __init__(self, pattern: str):
        self.first, self.after_newline = re.compile(pattern), re.compile("\n" + pattern)

    def search(self, text: str) -> re.Match | None:
        return self.first.match(text) or self.after_newline.search(text)


def _compile(families: dict[str, tuple[tuple[str, ...], str]]) -> list[tuple[str, tuple[str, ...], Any]]:
    """Patterns that open with ``^`` match at line starts (``_AtLineStart``); no pattern anchors anywhere else."""
    return [
        (code, anchors, _AtLineStart(p[1:]) if p.startswith("^") else re.compile(p))
        for code, (anchors, p) in families.items()
    ]


_STRONG, _SOFT = _compile(STRONG), _compile(SOFT)


def find_markers(lowered: str, families: list[tuple[str, tuple[str, ...], Any]]) -> list[str]:
    """Codes (in table order) of the marker families found in an already lowercased text."""
    found = []
    for code, anchors, pattern in families:
        for anchor in anchors:  # a plain loop: a generator per family costs more than the substring tests
            if anchor in lowered:
                if pattern.search(lowered) is not None:
                    found.append(code)
                break
    return found


@register("markers_v1")
class MarkersV1(Detector):
    """Counts strong and soft assistant markers; each one found is a reason. Valid in any language (the markers are
    English chat-interface artefacts, which occur as they are in pages of every language)."""

    name = "markers_v1"
    version = "1"
    outputs = (
        Output("strong", "chat-interface artefacts found (hard evidence)"),
        Output("soft", "assistant phrasings found (reported, not decisive)"),
    )
    probability = None
    hard_evidence = "strong"

    @classmethod
    def load(cls, model_path: str | None = None) -> MarkersV1:
        return cls()

    def score(self, texts: Sequence[str]) -> Scores:
        """``strong`` and ``soft`` counts per text, and reasons ``marker:<code>`` / ``soft_marker:<code>``."""
        lowered = [t.lower() for t in texts]
        strong = [find_markers(t, _STRONG) for t in lowered]
        soft = [find_markers(t, _SOFT) for t in lowered]
        columns = {
            "strong": np.array([len(s) for s in strong], dtype=np.float32),
            "soft": np.array([len(s) for s in soft], dtype=np.float32),
        }
        reasons = [[f"marker:{c}" for c in s] + [f"soft_marker:{c}" for c in w] for s, w in zip(strong, soft)]
        return Scores(columns, reasons)
