"""The run manifest: counts read back from the written shards, so it proves what is on disk."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pyarrow.compute as pc

from synthsieve.pipeline.outputs import join, read_columns
from synthsieve.schemas.records import LABELS

DEDUPLICATED = "deduplicated"

FILE_ERROR = "unreadable_file"


def count_outputs(folder: str) -> dict[str, Any]:
    """Per-label, per-dead-letter-reason and per-input-file counts of a run's shards, with the accounting check.

    ``documents read = human + synthetic + uncertain + dead_letter + deduplicated`` must hold per input file; a
    file that could not be opened or broke off mid-way is listed under ``file_errors``.
    """
    per_file: dict[str, Counter] = defaultdict(Counter)
    labels = Counter()
    near = _NearDuplicateCounts()
    for label in LABELS:
        table = read_columns(join(folder, f"label={label}"), ["source_uri", *_NEAR_COLUMNS])
        for uri in table.column("source_uri").to_pylist() if table is not None else []:
            per_file[uri][label] += 1
            labels[label] += 1
        near.add(table)
    dropped = read_columns(join(folder, "_accounting", "deduplicated"), ["source_uri", "near_dup_cluster"])
    for uri in dropped.column("source_uri").to_pylist() if dropped is not None else []:
        per_file[uri][DEDUPLICATED] += 1
    near.add_removed(dropped)
    reasons, file_errors = _dead_letters(folder, per_file)
    stats = read_columns(join(folder, "_accounting", "files"), ["source_uri", "source_format", "documents_read"])
    for row in stats.to_pylist() if stats is not None else []:
        per_file[row["source_uri"]]["read"] += row["documents_read"]
    files = {uri: _file_entry(c) for uri, c in sorted(per_file.items())}
    read = sum(c["read"] for c in per_file.values())
    written = sum(labels.values()) + sum(reasons.values()) + near.removed
    return {
        "documents_read": read,
        "labels": {label: labels[label] for label in LABELS},
        "dead_letter": {"total": sum(reasons.values()), "by_reason": dict(sorted(reasons.items()))},
        "near_duplicates": near.summary(),
        "file_errors": file_errors,
        "files": files,
        "calibration": _calibration(folder),
        "balanced": read == written and all(f["balanced"] for f in files.values()),
    }


def lm_scored(folder: str, column: str) -> dict[str, int]:
    """Per label, how many documents the second-stage LM scored (non-null ``column``, e.g. ``lm_v1__p``)."""
    counts = {}
    for label in LABELS:
        table = read_columns(join(folder, f"label={label}"), [column])
        counts[label] = 0 if table is None else table.num_rows - table.column(column).null_count
    return counts


def _dead_letters(folder: str, per_file: dict[str, Counter]) -> tuple[Counter, list[dict[str, str]]]:
    table = read_columns(join(folder, "dead_letter"), ["source_uri", "reason", "message"])
    reasons, errors = Counter(), []
    for row in table.to_pylist() if table is not None else []:
        if row["reason"] == FILE_ERROR:
            errors.append({"source_uri": row["source_uri"], "message": row["message"]})
            continue
        per_file[row["source_uri"]]["dead_letter"] += 1
        reasons[row["reason"]] += 1
    return reasons, sorted(errors, key=lambda e: e["source_uri"])


def _file_entry(counts: Counter) -> dict[str, Any]:
    entry = {key: counts[key] for key in ("read", *LABELS, "dead_letter", DEDUPLICATED)}
    entry["balanced"] = entry["read"] == sum(counts[k] for k in (*LABELS, "dead_letter", DEDUPLICATED))
    return entry


_NEAR_COLUMNS = ["near_dup_cluster", "near_dup_count", "is_canonical", "near_dup_known_synthetic"]


class _NearDuplicateCounts:
    """Clusters, copies and known-synthetic matches over the written shards and the copies ``--dedup`` removed."""

    def __init__(self):
        self.clusters: set[str] = set()
        self.copies = self.known = self.removed = 0

    def add(self, table) -> None:
        if table is None:
            return
        grouped = table.filter(pc.greater(table.column("near_dup_count"), 1))
        self.clusters.update(pc.unique(grouped.column("near_dup_cluster")).to_pylist())
        self.copies += grouped.num_rows - _count(grouped.column("is_canonical"))
        self.known += _count(table.column("near_dup_known_synthetic"))

    def add_removed(self, table) -> None:
        if table is not None:
            self.removed += table.num_rows
            self.copies += table.num_rows
            self.clusters.update(table.column("near_dup_cluster").to_pylist())

    def summary(self) -> dict[str, int]:
        return {
            "clusters": len(self.clusters),
            "duplicates": self.copies,
            "removed": self.removed,
            "known_synthetic_matches": self.known,
        }


def _calibration(folder: str) -> dict[str, Any]:
    table = read_columns(join(folder, "_accounting", "calibration"), ["source", "references", "synthetic", "human"])
    rows = sorted(table.to_pylist() if table is not None else [], key=lambda r: (-r["references"], r["source"]))
    for row in rows:
        row["synthetic"], row["human"] = round(row["synthetic"], 4), round(row["human"], 4)
    return {"calibrated_sources": len(rows), "references": sum(r["references"] for r in rows), "sources": rows}


def _count(flags) -> int:
    """Number of true values in a boolean column."""
    return pc.sum(flags.cast("int64")).as_py() or 0
