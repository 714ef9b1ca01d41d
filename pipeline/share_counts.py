"""The synthetic share per source and crawl month, from mergeable counts (pure: no Beam).

A scored batch becomes one count vector per key — ``(source, month)``, ``(source, None)`` for all months,
``(None, month)`` and ``(None, None)`` for the whole corpus — holding the documents, those decided by hard evidence
(AI disclosures, strong markers: synthetic), and the histogram of the first-stage ``p_synthetic`` of those a
detector scored without hard evidence (what the shipped references hold). The vectors sum exactly in any order; the
last step estimates each key's share of the histogram against the source's own known-human and known-synthetic
references where it has enough, else the global ones shipped with the models (``detectors/share.py``,
``docs/SHARE.md``), and counts the hard-evidence documents as synthetic: share = (hard + a * scored) / (hard +
scored). Documents no detector scored are in neither.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from synthsieve.detectors import share

Key = tuple[str | None, str | None]
KNOWN, SHIPPED = "known", "shipped"  # references: the run's known documents, or the global ones of the models


HEAD = 2  # a count vector: documents, hard-evidence documents, then the histogram


def batch_counts(
    sources: Sequence[str], months: Sequence[str | None], p: np.ndarray, counted: np.ndarray, hard: np.ndarray
) -> dict:
    """Per key, ``[documents, hard-evidence documents, histogram of p over the counted documents...]``
    (``HEAD + share.BINS`` integers).

    Args:
        sources: each document's calibration source.
        months: each document's crawl month (``YYYY-MM``) or None.
        p: each document's first-stage ``p_synthetic`` (NaN: not scored).
        counted: the documents whose ``p`` enters the histogram (scored, no hard evidence).
        hard: the documents hard evidence decided.
    """
    bins = share.bin_index(p)
    groups: dict[Key, list[int]] = defaultdict(list)
    for i, key in enumerate(zip(sources, months)):
        groups[key].append(i)
    rows: dict[Key, np.ndarray] = {}
    for (source, month), members in groups.items():
        index = np.array(members)
        row = np.zeros(HEAD + share.BINS, np.int64)
        row[:HEAD] = len(index), np.count_nonzero(hard[index])
        row[HEAD:] = np.bincount(bins[index][counted[index] & (bins[index] >= 0)], minlength=share.BINS)
        for key in {(source, month), (source, None), (None, month), (None, None)}:  # month None: all months
            rows[key] = rows[key] + row if key in rows else row.copy()
    return rows


def references(points: Sequence[tuple[str, float]]) -> dict[str, np.ndarray]:
    """Per source, the histogram of its reference documents' ``p_synthetic`` (``(source, p)`` points)."""
    by_source: dict[str, list[float]] = defaultdict(list)
    for source, p in points:
        by_source[source].append(p)
    return {source: share.histogram(np.array(ps)) for source, ps in by_source.items()}


def share_row(
    key: Key,
    counts: np.ndarray,
    human: Mapping[str, np.ndarray],
    synthetic: Mapping[str, np.ndarray],
    shipped: tuple[np.ndarray, np.ndarray],
    min_references: int,
) -> dict[str, Any]:
    """The ``SHARE_SCHEMA`` row of one key: its share against the source's known-human and known-synthetic
    references (all sources' for the corpus rows) where they hold at least ``min_references`` documents, else
    against the ``shipped`` global ones; the floor only against the run's own human references (against the global
    ones it has no guarantee)."""
    source, month = key
    h, h_from = _reference(human, source, shipped[0], min_references)
    s, s_from = _reference(synthetic, source, shipped[1], min_references)
    estimate = share.estimate(counts[HEAD:], h, s)
    hard, scored = int(counts[1]), estimate.documents

    def with_hard(a: float) -> float | None:
        """The share of all scored documents, hard-evidence ones counted synthetic."""
        if not hard + scored:
            return None
        return _finite((hard + a * scored) / (hard + scored)) if scored else 1.0

    return {
        "source": source,
        "month": month,
        "documents": int(counts[0]),
        "scored": hard + scored,
        "share": with_hard(estimate.share),
        "share_lo": with_hard(estimate.lo),
        "share_hi": with_hard(estimate.hi),
        "share_floor": with_hard(estimate.floor) if h_from == KNOWN else None,
        "human_references": int(h.sum()) if h_from == KNOWN else 0,
        "synthetic_references": int(s.sum()) if s_from == KNOWN else 0,
        "method": f"{estimate.method}; H={h_from}; S={s_from}",
    }


def _reference(
    by_source: Mapping[str, np.ndarray], source: str | None, shipped: np.ndarray, min_references: int
) -> tuple[np.ndarray, str]:
    own = by_source.get(source) if source is not None else sum(by_source.values(), np.zeros_like(shipped))
    if own is not None and own.sum() >= min_references:
        return own, KNOWN
    return shipped, SHIPPED


def _finite(x: float) -> float | None:
    return None if x != x else round(float(x), 6)
