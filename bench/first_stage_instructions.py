"""Instructions per document of the first stage, counted by valgrind: a figure this shared machine's noise cannot
move, for comparing two commits' first stages (each from its own environment). What is counted is
``detectors_throughput.py``'s first-stage call: ``FirstStage.score`` and the batch's word counts.

Usage:
    python bench/first_stage_instructions.py [DATA] [--docs 2048] [--chars 1500]

Runs itself twice under ``valgrind --tool=cachegrind --cache-sim=no`` (~2 min each): once loading the first stage
and scoring one warm-up batch, once scoring ``--docs`` more texts after it (the same texts as
``detectors_throughput.py``, batches of 512); the difference over ``--docs`` is printed as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from detectors_throughput import BATCH, LABELED, first_stage_call, load_texts

from synthsieve.config import load_config
from synthsieve.pipeline.annotate import load_first_stage


def score(data: Path, chars: int, docs: int) -> None:
    """Loads the first stage and scores one warm-up batch, then ``docs`` texts more."""
    texts = load_texts(data, chars, BATCH + docs)[1]
    call, prepared = first_stage_call(load_first_stage(load_config()))
    for start in range(0, len(texts), BATCH):
        call(prepared(texts[start : start + BATCH]))


def instructions(data: Path, chars: int, docs: int) -> int:
    """Instructions valgrind counts for ``score`` of ``docs`` texts, the whole process."""
    args = [sys.executable, __file__, str(data), "--chars", str(chars), "--docs", str(docs), "--inner"]
    valgrind = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    log = subprocess.run(valgrind + args, capture_output=True, text=True, check=True).stderr
    return int(re.search(r"I\s+refs:\s+([\d,]+)", log).group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=LABELED)
    parser.add_argument("--docs", type=int, default=2048, help="texts scored after the warm-up batch")
    parser.add_argument("--chars", type=int, default=1500, help="cut texts to this many characters (0: whole)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        score(args.data, args.chars, args.docs)
        return
    base, work = (instructions(args.data, args.chars, n) for n in (0, args.docs))
    result = {"source": str(args.data), "docs": args.docs, "chars": args.chars}
    print(json.dumps(result | {"instructions_per_doc": round((work - base) / args.docs)}))


if __name__ == "__main__":
    main()
