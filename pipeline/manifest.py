"""The run manifest: counts read back from the written shards, so it proves what is on disk."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from synthsieve.pipeline.outputs import (
    ACCOUNTING,
    DEAD_LETTERS,
    SHARE,
    SKIPPED_RECORDS,
    iter_columns,
    join,
    read_columns,
)
from synthsieve.schemas.records import INPUT, LABELS, SHARE_SCHEMA

DEDUPLICATED = "deduplicated"
USED = "used"
SKIPPED = "skipped"

FILE_ERROR = "unreadable_file"
#: Dead-letter reasons that say a file is damaged: what followed the damage in it may be lost.
DAMAGE = ("truncated_file", "truncated_record", "content_length_mismatch", "invalid_record", "corrupt_row_group")


def count_outputs(folder: str) -> dict[str, Any]:
    """Per-label, per-dead-letter-reason and per-input-file counts of a run's shards, with the accounting check.

    ``records read = human + synthetic + uncertain + dead_letter + skipped + deduplicated`` must hold per input
    file, and ``records read = used + dead_letter + skipped`` per ``--known-human`` / ``--known-synthetic`` file; a
    file that could not be opened is listed under ``file_errors``, one that is damaged under ``damaged_files``.
    """
    per_file: dict[str, Counter] = defaultdict(Counter)
    labels = Counter()
    near = _NearDuplicateCounts()
    for label in LABELS:
        for batch in iter_columns(join(folder, f"label={label}"), ["source_uri", *_NEAR_COLUMNS]):
            labels[label] += _count_per_file(batch, per_file, label)
            near.add(batch)
    for batch in iter_columns(join(folder, ACCOUNTING, "deduplicated"), ["source_uri"]):
        near.add_removed(_count_per_file(batch, per_file, DEDUPLICATED))
    letters = _DeadLetters(folder)
    known: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for role, uri, n in letters.per_file:
        (per_file[uri] if role == INPUT else known[role, uri])["dead_letter"] += n
    skipped = _skipped(folder)
    for (role, uri), reasons in skipped.items():
        (per_file[uri] if role == INPUT else known[role, uri])[SKIPPED] += sum(reasons.values())
    _count_reads(folder, per_file, known)
    files = {uri: _file_entry(c) for uri, c in sorted(per_file.items())}
    read = sum(c["read"] for c in per_file.values())
    reasons = letters.reasons[INPUT]
    skipped_input = sum((c for (role, _), c in skipped.items() if role == INPUT), Counter())
    written = sum(labels.values()) + sum(reasons.values()) + sum(skipped_input.values()) + near.removed
    known_files = {f"{role}:{uri}": _known_entry(role, c) for (role, uri), c in sorted(known.items())}
    skipped_known = sum((c for (role, _), c in skipped.items() if role != INPUT), Counter())
    return {
        "documents_read": read,
        "labels": {label: labels[label] for label in LABELS},
        "dead_letter": _by_reason(reasons),
        "skipped": _by_reason(skipped_input),
        "near_duplicates": near.summary(),
        "file_errors": letters.file_errors,
        "damaged_files": letters.damaged,
        "files": files,
        "known": _known_summary(known_files, letters.reasons, skipped_known),
        "calibration": _calibration(folder),
        "synthetic_share": _synthetic_share(folder),
        "balanced": read == written and all(f["balanced"] for f in [*files.values(), *known_files.values()]),
    }


def lm_scored(folder: str, column: str) -> dict[str, int]:
    """Per label, how many documents the second-stage LM scored (non-null ``column``, e.g. ``lm_v2__p``)."""
    return {
        label: sum(b.num_rows - b.column(0).null_count for b in iter_columns(join(folder, f"label={label}"), [column]))
        for label in LABELS
    }


def _count_per_file(batch, per_file: dict[str, Counter], key: str) -> int:
    """Adds a batch's documents to ``per_file[source_uri][key]``; returns how many it holds."""
    for entry in pc.value_counts(batch.column("source_uri")).to_pylist():
        per_file[entry["values"]][key] += entry["counts"]
    return batch.num_rows


class _DeadLetters:
    """The dead letters of a run, counted per (role, file) and reason; whole-file errors and damage listed."""

    def __init__(self, folder: str):
        table = read_columns(join(folder, DEAD_LETTERS), ["source_uri", "role", "reason", "message"])
        per_file, self.reasons, damaged = Counter(), defaultdict(Counter), defaultdict(Counter)
        self.file_errors = []
        for row in table.to_pylist() if table is not None else []:
            uri, role, reason = row["source_uri"], row["role"], row["reason"]
            if reason == FILE_ERROR:
                self.file_errors.append({"source_uri": uri, "role": role, "message": row["message"]})
                continue
            per_file[role, uri] += 1
            self.reasons[role][reason] += 1
            if reason in DAMAGE:
                damaged[uri][reason] += 1
        self.per_file = [(role, uri, n) for (role, uri), n in sorted(per_file.items())]
        self.file_errors.sort(key=lambda e: (e["source_uri"], e["role"]))
        self.damaged = {uri: dict(sorted(c.items())) for uri, c in sorted(damaged.items())}


def _count_reads(folder: str, per_file: dict[str, Counter], known: dict[tuple[str, str], Counter]) -> None:
    """Adds documents read (every role) and known-human and known-synthetic documents used to the per-file
    counters."""
    stats = read_columns(join(folder, ACCOUNTING, "files"), ["source_uri", "role", "documents_read"])
    for row in stats.to_pylist() if stats is not None else []:
        uri, role = row["source_uri"], row["role"]
        (per_file[uri] if role == INPUT else known[role, uri])["read"] += row["documents_read"]
    used = read_columns(join(folder, ACCOUNTING, "known_documents"), ["source_uri", "role", "documents"])
    for row in used.to_pylist() if used is not None else []:
        known[row["role"], row["source_uri"]][USED] += row["documents"]


def _skipped(folder: str) -> dict[tuple[str, str], Counter]:
    """Skipped records per (role, file) and reason, counted a row group at a time."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for batch in iter_columns(join(folder, SKIPPED_RECORDS), ["role", "source_uri", "reason"]):
        grouped = (
            pa.Table.from_batches([batch]).group_by(["role", "source_uri", "reason"]).aggregate([([], "count_all")])
        )
        for row in grouped.to_pylist():
            counts[row["role"], row["source_uri"]][row["reason"]] += row["count_all"]
    return counts


def _by_reason(reasons: Counter) -> dict[str, Any]:
    return {"total": sum(reasons.values()), "by_reason": dict(sorted(reasons.items()))}


def _file_entry(counts: Counter) -> dict[str, Any]:
    entry = {key: counts[key] for key in ("read", *LABELS, "dead_letter", SKIPPED, DEDUPLICATED)}
    entry["balanced"] = entry["read"] == sum(counts[k] for k in (*LABELS, "dead_letter", SKIPPED, DEDUPLICATED))
    return entry


def _known_entry(role: str, counts: Counter) -> dict[str, Any]:
    entry = {"role": role, **{key: counts[key] for key in ("read", USED, "dead_letter", SKIPPED)}}
    entry["balanced"] = entry["read"] == entry[USED] + entry["dead_letter"] + entry[SKIPPED]
    return entry


def _known_summary(files: dict[str, dict[str, Any]], reasons: dict[str, Counter], skipped: Counter) -> dict[str, Any]:
    """Records read from ``--known-human`` and ``--known-synthetic`` files, how many were used, and why not."""
    summary = {"documents_read": sum(f["read"] for f in files.values())}
    summary[USED] = sum(f[USED] for f in files.values())
    merged = sum((c for role, c in reasons.items() if role != INPUT), Counter())
    summary["dead_letter"] = _by_reason(merged)
    summary[SKIPPED] = _by_reason(skipped)
    return {**summary, "files": files}


_NEAR_COLUMNS = ["near_dup_count", "is_canonical", "near_dup_known_synthetic"]


class _NearDuplicateCounts:
    """Clusters, copies and known-synthetic matches over the written shards and the copies ``--dedup`` removed.

    Every cluster of two or more documents has exactly one canonical document, which is always written (``--dedup``
    removes only copies): clusters are counted by their canonical rows, without holding any cluster id.
    """

    def __init__(self):
        self.clusters = self.copies = self.known = self.removed = 0

    def add(self, batch) -> None:
        grouped = pc.greater(batch.column("near_dup_count"), 1)
        canonical = batch.column("is_canonical")
        self.clusters += _count(pc.and_(grouped, canonical))
        self.copies += _count(pc.and_(grouped, pc.invert(canonical)))
        self.known += _count(batch.column("near_dup_known_synthetic"))

    def add_removed(self, n: int) -> None:
        self.removed += n
        self.copies += n

    def summary(self) -> dict[str, int]:
        return {
            "clusters": self.clusters,
            "duplicates": self.copies,
            "removed": self.removed,
            "known_synthetic_matches": self.known,
        }


def _calibration(folder: str) -> dict[str, Any]:
    table = read_columns(join(folder, ACCOUNTING, "calibration"), ["source", "known_human", "synthetic", "human"])
    rows = sorted(table.to_pylist() if table is not None else [], key=lambda r: (-r["known_human"], r["source"]))
    for row in rows:
        row["synthetic"], row["human"] = round(row["synthetic"], 4), round(row["human"], 4)
    return {"calibrated_sources": len(rows), "known_human": sum(r["known_human"] for r in rows), "sources": rows}


def _synthetic_share(folder: str) -> dict[str, Any]:
    """The whole corpus's synthetic share (its row of ``_accounting/synthetic_share/``) and how many sources and
    months have one."""
    table = read_columns(join(folder, SHARE), list(SHARE_SCHEMA.names))
    rows = table.to_pylist() if table is not None else []
    corpus = next((r for r in rows if r["source"] is None and r["month"] is None), None)
    headline = {k: v for k, v in (corpus or {}).items() if k not in ("source", "month")}
    sources = {r["source"] for r in rows if r["source"] is not None}
    months = {r["month"] for r in rows if r["month"] is not None}
    return {**headline, "sources": len(sources), "months": len(months)}


def _count(flags) -> int:
    """Number of true values in a boolean column."""
    return pc.sum(flags.cast("int64")).as_py() or 0
