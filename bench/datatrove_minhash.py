"""datatrove's MinHash dedup (its four stages, default MinhashConfig and tokenizer) on a folder of .jsonl.gz files.

Runs in an environment with datatrove installed (it is not a synthsieve dependency):
    python3.11 -m venv /tmp/dt && /tmp/dt/bin/pip install 'datatrove[processing]==0.10.1' orjson spacy
    /tmp/dt/bin/python bench/datatrove_minhash.py CORPUS_DIR WORK_DIR [--workers 2]

Writes every document's ``(id, cluster)`` to ``WORK_DIR/clusters.jsonl`` (cluster -1: no near-duplicate), from the
kept documents and the removed ones (exclusion writer), for ``near_dup_benchmark.py`` to score.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


def run(corpus: str, work: Path, workers: int) -> None:
    """The four stages, each a LocalPipelineExecutor, as in datatrove's MinHash example."""
    config, files = MinhashConfig(), len(glob.glob(f"{corpus}/*.jsonl.gz"))
    reader = JsonlReader(corpus, glob_pattern="*.jsonl.gz")
    stages = [
        ([reader, MinhashDedupSignature(output_folder=f"{work}/signatures", config=config)], files),
        (
            [MinhashDedupBuckets(input_folder=f"{work}/signatures", output_folder=f"{work}/buckets", config=config)],
            config.num_buckets,
        ),
        ([MinhashDedupCluster(f"{work}/buckets", f"{work}/remove_ids", config=config, save_cluster_id=True)], 1),
        (
            [
                JsonlReader(corpus, glob_pattern="*.jsonl.gz"),
                MinhashDedupFilter(
                    f"{work}/remove_ids", exclusion_writer=JsonlWriter(f"{work}/removed"), load_cluster_ids=True
                ),
                JsonlWriter(f"{work}/kept"),
            ],
            files,
        ),
    ]
    for i, (steps, tasks) in enumerate(stages):
        workers_here = 1 if tasks == 1 else workers
        LocalPipelineExecutor(steps, tasks=tasks, workers=workers_here, logging_dir=f"{work}/logs/{i}").run()


def clusters(work: Path) -> None:
    with open(work / "clusters.jsonl", "w") as out:
        for path in sorted(glob.glob(f"{work}/kept/*.jsonl.gz") + glob.glob(f"{work}/removed/*.jsonl.gz")):
            with gzip.open(path, "rt") as f:
                for line in f:
                    doc = json.loads(line)
                    out.write(json.dumps({"id": doc["id"], "cluster": doc["metadata"]["minhash_cluster_id"]}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("work", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    run(args.corpus, args.work, args.workers)
    clusters(args.work)


if __name__ == "__main__":
    main()
