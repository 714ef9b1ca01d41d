"""The corpus-health report of one run as plain data (the source of report.json, the HTML and the terminal view)."""

from __future__ import annotations

import dataclasses
from typing import Any

from synthsieve.config import DecisionConfig, DedupConfig
from synthsieve.pipeline.outputs import COPIES_REMOVED, DEAD_LETTERS, SKIPPED_RECORDS
from synthsieve.report import bodies
from synthsieve.report.diversity import change, profile, tokenize, type_growth
from synthsieve.report.output_folder import MONTH, OutputFolder
from synthsieve.report.settings import ReportSettings
from synthsieve.report.trend import trend
from synthsieve.schemas.records import LABELS

REPORT_VERSION = 1
DIGITS = 6

#: Every diversity measure: its short name and what it is (the report's method section and table labels).
MEASURES = {
    "distinct_1": ("distinct-1", "distinct words / words"),
    "distinct_2": ("distinct-2", "distinct word pairs / word pairs (inside a document)"),
    "distinct_3": ("distinct-3", "distinct word 3-grams / 3-grams"),
    "distinct_4": ("distinct-4", "distinct word 4-grams / 4-grams"),
    "unigram_entropy": ("unigram entropy", "Shannon entropy of the word distribution, bits"),
    "heaps_exponent": ("type-token growth", "Heaps exponent: slope of log distinct words against log words"),
    "tail_mass": ("tail mass", "share of words that occur once (hapax; Good-Turing unseen mass)"),
    "near_dup_rate": ("near-duplicate rate", "1 - near-duplicate clusters / documents, within the partition"),
    "mean_words": ("mean length", "mean whitespace words per document, all documents"),
}


def build_report(
    folder: OutputFolder,
    known_human: str | None = None,
    history: list[OutputFolder] = (),
    settings: ReportSettings | None = None,
) -> dict[str, Any]:
    """Everything the report shows about ``folder``, compared with ``known_human`` and followed over ``history``
    (earlier runs, oldest first)."""
    settings = settings or ReportSettings()
    dedup = _dedup_config(folder.manifest)
    known = bodies.known_human(known_human, settings.max_docs, dedup) if known_human else None
    known_tokens = tokenize(known.texts) if known else None
    report = {
        "report_version": REPORT_VERSION,
        "run": _run(folder),
        "settings": dataclasses.asdict(settings),
        "labels": _labels(folder),
        "breakdowns": {
            "domain": _with_rest(folder.breakdown("domain", settings.top), folder.label_counts()),
            "lang": folder.breakdown("lang"),
            "era": folder.breakdown("era"),
            "crawl_month": folder.breakdown(MONTH, by_key=True),
        },
        "dead_letter": folder.shard_counts(DEAD_LETTERS, "reason"),
        "skipped": folder.shard_counts(SKIPPED_RECORDS, "reason"),
        "near_duplicates": {
            **folder.manifest.get("near_duplicates", {}),
            "removed_by_label": folder.shard_counts(COPIES_REMOVED, "label"),
        },
        "p_synthetic": _scores(folder, settings.bins),
        "diversity": _diversity(folder, known, known_tokens, settings),
        "trend": trend([*history, folder], known_tokens, settings.trend_words),
        "synthetic_share": _synthetic_share([*history, folder], settings.top),
    }
    report["flags"] = [
        {"partition": label, "measure": name, "change": m["change"]}
        for label, part in report["diversity"]["partitions"].items()
        for name, m in part["measures"].items()
        if m["flagged"]
    ]
    return {k: v if k == "p_synthetic" else _rounded(v) for k, v in report.items()}  # thresholds stay exact


def _synthetic_share(folders: list[OutputFolder], top: int) -> dict[str, Any]:
    """The last run's share for the whole corpus and its ``top`` sources (most documents), and every run's share per
    crawl month, runs in the order given."""
    rows = folders[-1].share_rows()
    corpus = next((r for r in rows if r["source"] is None and r["month"] is None), None)
    sources = [r for r in rows if r["source"] is not None and r["month"] is None]
    sources.sort(key=lambda r: -r["documents"])
    months = [{"run": str(f.path), **r} for f in folders for r in f.share_rows() if r["source"] is None and r["month"]]
    return {"corpus": corpus, "sources": sources[:top], "months": months}


def _run(folder: OutputFolder) -> dict[str, Any]:
    m = folder.manifest
    keys = ("pipeline_version", "documents_read", "seconds", "balanced", "minhash", "detector_versions")
    return {"folder": str(folder.path), "inputs": len(m.get("inputs", [])), **{k: m.get(k) for k in keys}}


def _labels(folder: OutputFolder) -> dict[str, Any]:
    """Documents per label, dead-lettered and left out as duplicates, with their shares of the documents read."""
    counts = folder.label_counts()
    counts["dead_letter"] = sum(folder.shard_counts(DEAD_LETTERS, "reason").values())
    counts["skipped"] = sum(folder.shard_counts(SKIPPED_RECORDS, "reason").values())
    counts["deduplicated"] = sum(folder.shard_counts(COPIES_REMOVED, "label").values())
    read = folder.manifest.get("documents_read") or sum(counts.values())
    return {name: {"documents": n, "share": n / read if read else None} for name, n in counts.items()}


def _with_rest(rows: list[dict], totals: dict[str, int]) -> list[dict]:
    """The top rows plus one row for every other value, when there are others."""
    rest = {label: totals[label] - sum(r[label] for r in rows) for label in LABELS}
    if not any(rest.values()):
        return rows
    return [*rows, {"key": "(all others)", **rest, "total": sum(rest.values())}]


def _scores(folder: OutputFolder, bins: int) -> dict[str, Any]:
    decision = folder.manifest.get("config", {}).get("decision") or dataclasses.asdict(DecisionConfig())
    return {
        "bins": bins,
        "counts": folder.histogram(bins),
        "not_scored": folder.not_scored(),
        "thresholds": {"synthetic": decision["synthetic_threshold"], "human": decision["human_threshold"]},
        "calibrated": folder.manifest.get("calibration", {}).get("sources", []),
    }


def _diversity(folder: OutputFolder, known: bodies.Body | None, known_tokens, settings: ReportSettings) -> dict:
    """Each partition's measures on its sample, against the known-human text's on the same number of words."""
    partitions = {}
    for label in LABELS:
        body = bodies.partition(folder, label, settings.max_docs)
        tokens = tokenize(body.texts)
        words = min(len(tokens), len(known_tokens)) if known else len(tokens)
        mine = {**profile(tokens, words), "near_dup_rate": body.near_dup_rate, "mean_words": body.mean_words}
        theirs = (
            {**profile(known_tokens, words), "near_dup_rate": known.near_dup_rate, "mean_words": known.mean_words}
            if known
            else {}
        )
        partitions[label] = {
            **_described(body),
            "words": words,
            "measures": {k: _compared(v, theirs.get(k), settings.max_change) for k, v in mine.items()},
            "growth": _growth(tokens),
        }
    described = None
    if known:
        described = {**_described(known), "name": known.name, "skipped": known.skipped, "mean_words": known.mean_words,
                     "near_dup_rate": known.near_dup_rate, "growth": _growth(known_tokens)}  # fmt: skip
    return {"known_human": described, "partitions": partitions}


def _growth(tokens) -> dict[str, list[int]]:
    t, types = type_growth(tokens)
    return {"words": t.tolist(), "types": types.tolist()}


def _described(body: bodies.Body) -> dict[str, Any]:
    return {"documents": body.documents, "sample_documents": len(body.texts), "sampled": body.sampled}


def _compared(value, known_human, bound: float) -> dict[str, Any]:
    delta = change(value, known_human)
    return {
        "value": value,
        "known_human": known_human,
        "change": delta,
        "flagged": delta is not None and abs(delta) > bound,
    }


def _dedup_config(manifest: dict[str, Any]) -> DedupConfig:
    """The run's MinHash settings (defaults for what the manifest does not say)."""
    given = manifest.get("config", {}).get("dedup", {})
    return DedupConfig(**{f.name: given[f.name] for f in dataclasses.fields(DedupConfig) if f.name in given})


def _rounded(value: Any) -> Any:
    """Floats rounded to ``DIGITS`` decimals, everywhere: stable JSON across platforms."""
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value
