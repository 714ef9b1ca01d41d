"""Second-stage LM throughput on one core: documents/s of ``LanguageModel.statistics`` per dtype, batch size and
tokens per document, and how far each setting's statistics move from float32 at 128 tokens.

Usage:
    python bench/lm_throughput.py [DATA] [--docs 240] [--core 0] [--dtypes float32,bfloat16] [--batch 8,16]
                                  [--tokens 64,128,256]

Reads the texts of a labelled ``.jsonl.gz`` (default the shared dev set, every n-th text so that lengths vary);
pins itself to one core with one torch thread, warms each setting up on 16 texts (oneDNN builds kernels per shape)
and prints one JSON line per setting.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from pathlib import Path

import numpy as np

from synthsieve.detectors.lm import LanguageModel
from synthsieve.detectors.lm_stats import FEATURES

LABELED = Path(__file__).resolve().parents[2] / "shared" / "data" / "labeled" / "dev.jsonl.gz"


def texts_of(path: Path, docs: int) -> list[str]:
    """``docs`` texts spread evenly over the file."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    return texts[:: max(1, len(texts) // docs)][:docs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=LABELED)
    parser.add_argument("--docs", type=int, default=240)
    parser.add_argument("--core", type=int, default=0)
    parser.add_argument("--dtypes", default="float32,bfloat16")
    parser.add_argument("--batch", default="8")
    parser.add_argument("--tokens", default="128")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.core})
    texts = texts_of(args.data, args.docs)
    reference = None
    for dtype in args.dtypes.split(","):
        for tokens in map(int, args.tokens.split(",")):
            for batch in map(int, args.batch.split(",")):
                lm = LanguageModel(max_tokens=tokens, batch_size=batch, device="cpu", threads=1, dtype=dtype)
                lm.statistics(texts[:16])
                started = time.perf_counter()
                stats = lm.statistics(texts)[0]
                seconds = time.perf_counter() - started
                row = {"dtype": dtype, "tokens": tokens, "batch": batch, "docs": len(texts)}
                row["docs_per_s"] = round(len(texts) / seconds, 2)
                if tokens == 128 and reference is None and dtype == "float32":
                    reference = stats
                if tokens == 128 and reference is not None:
                    spread = reference.std(axis=0) + 1e-9
                    moved = np.abs(stats - reference).mean(axis=0) / spread
                    row["mean_shift_in_sd"] = {f: round(float(m), 4) for f, m in zip(FEATURES, moved)}
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
