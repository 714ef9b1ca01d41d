"""Near-duplicate benchmark: synthsieve's whole pipeline vs. datatrove's MinHash dedup on the same corpus.

Usage (corpus from ``near_dup_corpus.py``; datatrove in its own environment, see ``datatrove_minhash.py``):
    python bench/near_dup_benchmark.py CORPUS_DIR --datatrove-python /tmp/dt/bin/python [--skip-datatrove]

Runs ``synthsieve run`` (read, provenance, detectors, MinHash, clustering, write) and then datatrove's four stages,
one after the other, each as a process tree whose wall time and peak summed RSS are measured. Then scores both on
the planted pairs of ``truth.jsonl``:

- recall: share of planted (copy, original) pairs that end in one cluster;
- precision: share of same-cluster document pairs that derive from one original, or from two dev texts that are
  themselves near-duplicates (exact Jaccard of their word 5-gram sets >= 0.5).

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import duckdb

from synthsieve.provenance.ids import normalize_text

BENCH = Path(__file__).resolve().parent


def measured(command: list[str]) -> dict:
    """Runs ``command``; returns wall seconds and the peak RSS summed over its process tree (sampled every 0.2 s)."""
    started, peak = time.perf_counter(), 0
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.2)
    if proc.returncode:
        raise RuntimeError(f"{command[:3]} failed: {proc.stderr.read()[-2000:]}")
    return {"wall_s": round(time.perf_counter() - started, 1), "peak_rss_mib": round(peak / 1024, 0)}


def _tree_rss(root: int) -> int:
    """Summed VmRSS (KiB) of ``root`` and its descendants."""
    children = defaultdict(list)
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children[int(fields[1])].append(int(stat.split("/")[2]))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
    return total


def synthsieve_clusters(corpus: str, out: str) -> tuple[dict, dict[str, str]]:
    command = [sys.executable, "-m", "synthsieve", "--quiet", "run", *sorted(glob.glob(f"{corpus}/*.jsonl.gz"))]
    figures = measured([*command, "--output", out])
    query = f"select id, near_dup_cluster from read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
    return figures, dict(duckdb.sql(query).fetchall())


def datatrove_clusters(corpus: str, work: str, python: str) -> tuple[dict, dict[str, str]]:
    figures = measured([python, str(BENCH / "datatrove_minhash.py"), corpus, work])
    rows = [json.loads(line) for line in open(f"{work}/clusters.jsonl")]
    return figures, {r["id"]: r["id"] if r["cluster"] == -1 else f"dt{r['cluster']}" for r in rows}


def score(cluster_of: dict[str, str], truth: dict[str, str], texts: dict[str, str]) -> dict:
    """Recall of planted pairs and pair precision (see the module docstring)."""
    recall = sum(cluster_of[c] == cluster_of[o] for c, o in truth.items()) / len(truth)
    members = defaultdict(Counter)
    for doc, cluster in cluster_of.items():
        members[cluster][truth.get(doc, doc)] += 1
    pairs = correct = 0
    for families in members.values():
        n = sum(families.values())
        pairs += n * (n - 1) // 2
        correct += sum(c * (c - 1) // 2 for c in families.values())
        fams = sorted(families)
        for i, a in enumerate(fams):
            correct += sum(families[a] * families[b] for b in fams[i + 1 :] if _jaccard(texts[a], texts[b]) >= 0.5)
    return {"recall": round(recall, 4), "precision": round(correct / pairs, 4) if pairs else None, "pairs": pairs}


def _jaccard(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = normalize_text(text).split()
    return {tuple(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--datatrove-python", default="python")
    parser.add_argument("--skip-datatrove", action="store_true")
    args = parser.parse_args()
    truth = {r["copy"]: r["original"] for r in map(json.loads, open(f"{args.corpus}/truth.jsonl"))}
    texts = {}
    for path in sorted(glob.glob(f"{args.corpus}/*.jsonl.gz")):
        with gzip.open(path, "rt") as f:
            texts.update((r["id"], r["text"]) for r in map(json.loads, f) if r["id"].startswith("o"))
    report = {"documents": len(truth) + len(texts), "planted_pairs": len(truth), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        figures, clusters = synthsieve_clusters(args.corpus, f"{tmp}/synthsieve")
        report["synthsieve"] = figures | score(clusters, truth, texts)
        if not args.skip_datatrove:
            figures, clusters = datatrove_clusters(args.corpus, f"{tmp}/datatrove", args.datatrove_python)
            report["datatrove"] = figures | score(clusters, truth, texts)
    for name in ("synthsieve", "datatrove"):
        if name in report:
            report[name]["docs_per_s"] = round(report["documents"] / report[name]["wall_s"], 1)
    if "datatrove" in report:
        report["speedup"] = round(report["datatrove"]["wall_s"] / report["synthsieve"]["wall_s"], 2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
