"""What the report samples, shows and flags (no heavy import: the CLI reads the defaults from here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportSettings:
    """What the report samples, shows and flags."""

    max_docs: int = 20_000  # documents per partition (first by content hash) that text measures are taken on
    top: int = 20  # domains listed
    max_change: float = 0.10  # relative change against the known-human text that flags a measure
    trend_words: int = 10_000  # words of human text per crawl month that the trend's measures are taken on
    bins: int = 50  # histogram bins of p_synthetic
