"""The run manifest: counts read back from the written shards, so it proves what is on disk."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from synthsieve.pipeline.outputs import join, read_columns
from synthsieve.schemas.records import LABELS

FILE_ERROR = "unreadable_file"


def count_outputs(folder: str) -> dict[str, Any]:
    """Per-label, per-dead-letter-reason and per-input-file counts of a run's shards, with the accounting check.

    ``documents read = human + synthetic + uncertain + dead_letter`` must hold per input file; a file that could
    not be opened or broke off mid-way is listed under ``file_errors``.
    """
    per_file: dict[str, Counter] = defaultdict(Counter)
    labels = Counter()
    for label in LABELS:
        table = read_columns(join(folder, f"label={label}"), ["source_uri"])
        for uri in table.column("source_uri").to_pylist() if table is not None else []:
            per_file[uri][label] += 1
            labels[label] += 1
    reasons, file_errors = _dead_letters(folder, per_file)
    stats = read_columns(join(folder, "_accounting", "files"), ["source_uri", "source_format", "documents_read"])
    for row in stats.to_pylist() if stats is not None else []:
        per_file[row["source_uri"]]["read"] += row["documents_read"]
    files = {uri: _file_entry(c) for uri, c in sorted(per_file.items())}
    read = sum(c["read"] for c in per_file.values())
    written = sum(labels.values()) + sum(reasons.values())
    return {
        "documents_read": read,
        "labels": {label: labels[label] for label in LABELS},
        "dead_letter": {"total": sum(reasons.values()), "by_reason": dict(sorted(reasons.items()))},
        "file_errors": file_errors,
        "files": files,
        "calibration": _calibration(folder),
        "balanced": read == written and all(f["balanced"] for f in files.values()),
    }


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
    entry = {key: counts[key] for key in ("read", *LABELS, "dead_letter")}
    entry["balanced"] = entry["read"] == sum(counts[k] for k in (*LABELS, "dead_letter"))
    return entry


def _calibration(folder: str) -> dict[str, Any]:
    table = read_columns(join(folder, "_accounting", "calibration"), ["source", "references", "synthetic", "human"])
    rows = sorted(table.to_pylist() if table is not None else [], key=lambda r: (-r["references"], r["source"]))
    for row in rows:
        row["synthetic"], row["human"] = round(row["synthetic"], 4), round(row["human"], 4)
    return {"calibrated_sources": len(rows), "references": sum(r["references"] for r in rows), "sources": rows}
