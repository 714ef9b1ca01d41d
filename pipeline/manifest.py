"""The run manifest's counts, from the run's ``Tally`` (counted in the graph as the shards were written) and checked
against the row counts in the written shards' footers, so it still proves what is on disk."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from synthsieve.pipeline.tally import CALIBRATION, CONVERGENCE, CORPUS_SHARE, FILE_ERRORS, READ, USED, Tally
from synthsieve.schemas.records import CONVERGENCE_SCHEMA, DEAD_LETTER, DEDUPLICATED, INPUT, LABELS, SKIPPED

#: Dead-letter reasons that say a file is damaged: what followed the damage in it may be lost.
DAMAGE = ("truncated_file", "truncated_record", "content_length_mismatch", "invalid_record", "corrupt_row_group")
_NEAR = ("clusters", "duplicates", "removed", "known_synthetic_matches")


def summarize(tally: Tally, written_rows: Mapping[str, int]) -> dict[str, Any]:
    """Per-label, per-dead-letter-reason and per-input-file counts of a run, with the accounting check.

    ``records read = human + synthetic + uncertain + dead_letter + skipped + deduplicated`` must hold per input
    file, and ``records read = used + dead_letter + skipped`` per ``--known-human`` / ``--known-synthetic`` file, and
    the shards must hold the rows counted (``written_rows``: rows per folder, from their footers); a file that could
    not be opened is listed under ``file_errors``, one that is damaged under ``damaged_files``.
    """
    per_file = _per_file(tally)
    files = {uri: _file_entry(c) for (role, uri), c in per_file if role == INPUT}
    known_files = {f"{role}:{uri}": _known_entry(role, c) for (role, uri), c in per_file if role != INPUT}
    letters, skipped = _by_role(tally, DEAD_LETTER), _by_role(tally, SKIPPED)
    labels = {label: sum(f[label] for f in files.values()) for label in LABELS}
    read = sum(f[READ] for f in files.values())
    written = sum(labels.values()) + sum(letters[INPUT].values()) + sum(skipped[INPUT].values())
    written += tally.near["removed"]
    balanced = read == written and all(f["balanced"] for f in [*files.values(), *known_files.values()])
    return {
        "documents_read": read,
        "labels": labels,
        "dead_letter": _by_reason(letters[INPUT]),
        "skipped": _by_reason(skipped[INPUT]),
        "near_duplicates": _near_duplicates(tally),
        "file_errors": sorted(tally.records[FILE_ERRORS], key=lambda e: (e["source_uri"], e["role"])),
        "damaged_files": _damaged(tally),
        "files": files,
        "known": _known_summary(known_files, letters, skipped),
        "calibration": _calibration(tally.records[CALIBRATION]),
        "synthetic_share": _synthetic_share(tally),
        "balanced": balanced and not shards_differ(tally.rows, written_rows),
    }


def _per_file(tally: Tally) -> list[tuple[tuple[str, str], Counter]]:
    """Each file's counts, by (role, file)."""
    per_file: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (role, uri, column), n in tally.files.items():
        per_file[role, uri][column] += n
    return sorted(per_file.items())


def _by_role(tally: Tally, column: str) -> dict[str, Counter]:
    """Records of ``column`` (dead letters or skipped) per role and reason."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for (kind, role, _, reason), n in tally.reasons.items():
        if kind == column:
            counts[role][reason] += n
    return counts


def _damaged(tally: Tally) -> dict[str, dict[str, int]]:
    damaged: dict[str, Counter] = defaultdict(Counter)
    for (kind, _, uri, reason), n in tally.reasons.items():
        if kind == DEAD_LETTER and reason in DAMAGE:
            damaged[uri][reason] += n
    return {uri: dict(sorted(c.items())) for uri, c in sorted(damaged.items())}


def shards_differ(counted: Mapping[str, int], written: Mapping[str, int]) -> list[tuple[str, int, int]]:
    """``(folder, rows counted, rows in its shards)`` of each folder whose shards do not hold the rows counted on
    their way to the sinks (none if all do; empty folders aside)."""
    counted, written = ({k: n for k, n in rows.items() if n} for rows in (counted, written))
    folders = sorted(k for k in {*counted, *written} if counted.get(k) != written.get(k))
    return [(k, counted.get(k, 0), written.get(k, 0)) for k in folders]


def _by_reason(reasons: Counter) -> dict[str, Any]:
    return {"total": sum(reasons.values()), "by_reason": dict(sorted(reasons.items()))}


def _file_entry(counts: Counter) -> dict[str, Any]:
    entry = {key: counts[key] for key in (READ, *LABELS, DEAD_LETTER, SKIPPED, DEDUPLICATED)}
    entry["balanced"] = entry[READ] == sum(counts[k] for k in (*LABELS, DEAD_LETTER, SKIPPED, DEDUPLICATED))
    return entry


def _known_entry(role: str, counts: Counter) -> dict[str, Any]:
    entry = {"role": role, **{key: counts[key] for key in (READ, USED, DEAD_LETTER, SKIPPED)}}
    entry["balanced"] = entry[READ] == entry[USED] + entry[DEAD_LETTER] + entry[SKIPPED]
    return entry


def _known_summary(files: dict[str, dict[str, Any]], letters: dict[str, Counter], skipped: dict[str, Counter]):
    """Records read from ``--known-human`` and ``--known-synthetic`` files, how many were used, and why not."""
    summary = {"documents_read": sum(f[READ] for f in files.values())}
    summary[USED] = sum(f[USED] for f in files.values())
    summary[DEAD_LETTER] = _by_reason(sum((c for role, c in letters.items() if role != INPUT), Counter()))
    summary[SKIPPED] = _by_reason(sum((c for role, c in skipped.items() if role != INPUT), Counter()))
    return {**summary, "files": files}


def _near_duplicates(tally: Tally) -> dict[str, Any]:
    """Clusters, copies, the largest cluster and known-synthetic matches, and how the near-duplicate rounds ended
    (``CONVERGENCE_SCHEMA``: ``converged`` false means a component may be split into several clusters, raise
    ``dedup.rounds``; None for a run without that record)."""
    rounds = tally.records[CONVERGENCE]
    convergence = rounds[0] if rounds else dict.fromkeys(CONVERGENCE_SCHEMA.names)
    return {**{k: tally.near[k] for k in _NEAR}, "largest_cluster": tally.largest, **convergence}


def _calibration(rows: list[dict[str, Any]]) -> dict[str, Any]:
    rows = sorted(rows, key=lambda r: (-r["known_human"], r["source"]))
    rows = [{**row, "synthetic": round(row["synthetic"], 4), "human": round(row["human"], 4)} for row in rows]
    return {"calibrated_sources": len(rows), "known_human": sum(r["known_human"] for r in rows), "sources": rows}


def _synthetic_share(tally: Tally) -> dict[str, Any]:
    """The whole corpus's synthetic share (the tally's ``CORPUS_SHARE`` record, kept as its row was written) and how
    many sources and months have one."""
    corpus = tally.records[CORPUS_SHARE]
    headline = {k: v for k, v in (corpus[0] if corpus else {}).items() if k not in ("source", "month")}
    kinds = Counter(kind for kind, _ in tally.share_keys)
    return {**headline, "sources": kinds["source"], "months": kinds["month"]}
