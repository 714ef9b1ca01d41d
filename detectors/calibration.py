"""Per-source decision thresholds calibrated against known-human text.

Thresholds set on one population of human writers do not carry to another, so each source (registered domain,
else a configured grouping field, else ``global``) whose known-human documents are numerous enough gets its own
synthetic threshold: the lowest at which at most ``target_fpr`` of those documents would be labelled synthetic.
Their scores are histogrammed in fixed bins, which merge exactly in any order: the result does not depend on how
a runner splits the work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

BINS = 10_000
GLOBAL = "global"


@dataclass(frozen=True)
class SourceThreshold:
    """A calibrated source: its known-human document count and the thresholds that apply to it."""

    source: str
    known_human: int
    synthetic: float
    human: float


def source_key(domain: str | None, metadata: Mapping[str, str] | None, group_field: str) -> str:
    """The calibration source of a document: its registered domain, else ``field=value``, else ``global``."""
    if domain:
        return domain
    value = (metadata or {}).get(group_field)
    return f"{group_field}={value}" if value else GLOBAL


def bin_of(p: float) -> int:
    """The histogram bin of a score: bin i holds [i/BINS, (i+1)/BINS); 1.0 falls in the last bin."""
    return min(int(p * BINS), BINS - 1)


def threshold(hist: Mapping[int, int], target_fpr: float) -> float:
    """Lowest bin edge t with at most ``target_fpr`` of the known-human scores at or above t."""
    allowed = int(np.floor(target_fpr * sum(hist.values())))
    above = 0
    for b in sorted(hist, reverse=True):
        if above + hist[b] > allowed:
            return (b + 1) / BINS
        above += hist[b]
    return 0.0


def calibrate(
    source: str, hist: Mapping[int, int], target_fpr: float, min_known_human: int, default_human: float
) -> SourceThreshold | None:
    """The source's thresholds, or None when it has fewer than ``min_known_human`` known-human documents.

    The human threshold stays the configured one unless the calibrated synthetic threshold falls below it.
    """
    n = sum(hist.values())
    if n < min_known_human:
        return None
    synthetic = threshold(hist, target_fpr)
    return SourceThreshold(source, n, synthetic, min(default_human, synthetic))


def lookup(
    sources: list[str], calibrated: Mapping[str, Any], synthetic: float, human: float
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per-document thresholds and a reason each: the source's calibration if it has one, else the global one."""
    syn, hum, why = np.full(len(sources), synthetic), np.full(len(sources), human), []
    for i, source in enumerate(sources):
        cal = calibrated.get(source)
        if cal is None:
            why.append("calibration:global")
            continue
        syn[i], hum[i] = cal.synthetic, cal.human
        why.append(f"calibration:{source}:n={cal.known_human}")
    return syn, hum, why
