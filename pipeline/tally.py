"""Counts of what a run writes, taken from its records on their way to the sinks (pure: no Beam).

A ``Tally`` holds counters keyed by file, reason and label, and the few records the manifest lists verbatim (one
per unreadable file, calibrated source or run), never the documents or the dead letters themselves. Tallies merge
exactly in any order, so a combiner sums them over the run and the last step writes the manifest from one of them
(``pipeline.accounting``, ``pipeline.manifest``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from synthsieve.readers.records import FILE_ERROR
from synthsieve.schemas.records import DEAD_LETTER, DEDUPLICATED, INPUT, SHARE_SCHEMA, SKIPPED

READ, USED = "read", "used"
#: ``Tally.records`` keys: what the manifest lists verbatim.
FILE_ERRORS, CALIBRATION, CONVERGENCE, CORPUS_SHARE = "file_errors", "calibration", "convergence", "corpus_share"


@dataclasses.dataclass
class Tally:
    """Mergeable counts of a run's written records.

    Attributes:
        files: ``(role, source_uri, column)`` -> records; column is ``read``, a label, ``dead_letter``, ``skipped``,
            ``deduplicated`` or ``used``.
        reasons: ``(dead_letter or skipped, role, source_uri, reason)`` -> records (unreadable files excepted).
        near: clusters, duplicates, removed copies and known-synthetic matches.
        largest: the largest near-duplicate cluster.
        lm_scored: label -> documents the second stage scored.
        share_keys: ``("source", source)`` and ``("month", month)`` -> synthetic-share rows that name them.
        rows: folder of the run -> rows written there, to check against the shards' footers.
        records: ``FILE_ERRORS``, ``CALIBRATION``, ``CONVERGENCE`` and ``CORPUS_SHARE`` rows, each a few.
    """

    files: Counter = dataclasses.field(default_factory=Counter)
    reasons: Counter = dataclasses.field(default_factory=Counter)
    near: Counter = dataclasses.field(default_factory=Counter)
    largest: int = 0
    lm_scored: Counter = dataclasses.field(default_factory=Counter)
    share_keys: Counter = dataclasses.field(default_factory=Counter)
    rows: Counter = dataclasses.field(default_factory=Counter)
    records: defaultdict = dataclasses.field(default_factory=lambda: defaultdict(list))

    def merge(self, other: Tally) -> Tally:
        """Adds ``other`` into this tally; returns it."""
        for name in ("files", "reasons", "near", "lm_scored", "share_keys", "rows"):
            getattr(self, name).update(getattr(other, name))
        self.largest = max(self.largest, other.largest)
        for key, rows in other.records.items():
            self.records[key] += rows
        return self


def add_documents(tally: Tally, table: pa.Table, label: str, lm_column: str | None = None) -> None:
    """Counts a table of ``label`` documents per input file, their near-duplicate columns and, with ``lm_column``
    (e.g. ``lm_v2__p``), those the second stage scored.

    Every cluster of two or more documents has exactly one canonical document, which is always written
    (``--dedup`` removes only copies): clusters are counted by their canonical rows, without holding any cluster id.
    """
    _per_file(tally, table, label)
    size = table.column("near_dup_count")
    tally.largest = max(tally.largest, pc.max(size).as_py() or 0)
    grouped, canonical = pc.greater(size, 1), table.column("is_canonical")
    tally.near["clusters"] += _count(pc.and_(grouped, canonical))
    tally.near["duplicates"] += _count(pc.and_(grouped, pc.invert(canonical)))
    tally.near["known_synthetic_matches"] += _count(table.column("near_dup_known_synthetic"))
    if lm_column is not None:
        tally.lm_scored[label] += table.num_rows - table.column(lm_column).null_count


def add_removed(tally: Tally, table: pa.Table) -> None:
    """Counts a table of copies ``--dedup`` left out (``DEDUPLICATED_SCHEMA``)."""
    _per_file(tally, table, DEDUPLICATED)
    tally.near["removed"] += table.num_rows
    tally.near["duplicates"] += table.num_rows


def add_dead_letter(tally: Tally, letter: dict[str, Any]) -> None:
    """Counts a dead letter per file and reason; keeps a whole file's (its message says why it is unreadable)."""
    uri, role, reason = letter["source_uri"], letter["role"], letter["reason"]
    if reason == FILE_ERROR:
        tally.records[FILE_ERRORS].append({"source_uri": uri, "role": role, "message": letter["message"]})
        return
    tally.files[role, uri, DEAD_LETTER] += 1
    tally.reasons[DEAD_LETTER, role, uri, reason] += 1


def add_skipped(tally: Tally, record: dict[str, Any]) -> None:
    """Counts a skipped record per file and reason."""
    role, uri = record["role"], record["source_uri"]
    tally.files[role, uri, SKIPPED] += 1
    tally.reasons[SKIPPED, role, uri, record["reason"]] += 1


def add_file_stats(tally: Tally, stats: dict[str, Any]) -> None:
    """Counts the records read from (a part of) a file (``FILE_STATS_SCHEMA``)."""
    tally.files[stats["role"], stats["source_uri"], READ] += stats["documents_read"]


def add_known_documents(tally: Tally, row: dict[str, Any]) -> None:
    """Counts the documents of a known-human or known-synthetic file the run used (``KNOWN_DOCUMENTS_SCHEMA``)."""
    tally.files[row["role"], row["source_uri"], USED] += row["documents"]


def add_share(tally: Tally, row: dict[str, Any]) -> None:
    """Notes the sources and months a synthetic-share row names, and keeps the whole corpus's row."""
    source, month = row["source"], row["month"]
    if source is None and month is None:
        add_record(CORPUS_SHARE, SHARE_SCHEMA, tally, row)
    if source is not None:
        tally.share_keys["source", source] += 1
    if month is not None:
        tally.share_keys["month", month] += 1


def add_record(key: str, schema: pa.Schema, tally: Tally, row: dict[str, Any]) -> None:
    """Keeps a row the manifest lists verbatim under ``records[key]`` (a calibrated source, the rounds' end), as
    its shard holds it: cast to its ``schema`` (float32 thresholds, plain ints)."""
    tally.records[key] += pa.Table.from_pylist([row], schema=schema).to_pylist()


def _per_file(tally: Tally, table: pa.Table, column: str) -> None:
    for entry in pc.value_counts(table.column("source_uri")).to_pylist():
        tally.files[INPUT, entry["values"], column] += entry["counts"]


def _count(flags) -> int:
    """Number of true values in a boolean column."""
    return pc.sum(flags.cast("int64")).as_py() or 0
