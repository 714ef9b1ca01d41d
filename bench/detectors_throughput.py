"""First-stage detector throughput on one core: docs/s of each detector and of all of them together.

Usage:
    python bench/detectors_throughput.py [DATA] [--chars 1500] [--docs 5120] [--repeat 5] [--core 0]

Reads the labelled set (``.jsonl.gz``, default the shared dev set) when it exists, else the bundled sample corpus
(``sample/corpus/*.jsonl`` and ``*.jsonl.gz``, repeated to fill the batches). Texts of at least ``--chars``
characters are cut to that length (``--chars 0`` keeps whole texts). Each default detector scores the texts in
batches of 512 through ``registry.create(name).score``; the best of ``--repeat`` rounds counts, and "combined" is
the number of texts over the sum of the detectors' best times. "first_stage" times the whole ``FirstStage.score``
(gate, detectors, stacker, hard evidence, reasons) on the same batches. Pins itself to one core and prints one JSON
line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from pathlib import Path

from synthsieve.config import load_config
from synthsieve.detectors import registry
from synthsieve.detectors.gate import word_counts
from synthsieve.pipeline.annotate import load_first_stage

BATCH = 512
ROOT = Path(__file__).resolve().parent.parent
LABELED = ROOT.parent / "shared" / "data" / "labeled" / "dev.jsonl.gz"
SAMPLE = ROOT / "sample" / "corpus"


def read_jsonl(path: Path) -> list[str]:
    """The ``text`` field of every record of a ``.jsonl`` or ``.jsonl.gz`` file; broken lines are skipped."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [text for line in f if isinstance(text := _text(line), str)]


def _text(line: str) -> object:
    # The sample corpus has a cut line and a record without text on purpose.
    try:
        return json.loads(line).get("text")
    except json.JSONDecodeError:
        return None


def load_texts(data: Path, chars: int, docs: int) -> tuple[str, list[str]]:
    """Source name and ``docs`` texts, cut to ``chars`` characters when ``chars`` > 0."""
    if data.is_file():
        source, texts = str(data), read_jsonl(data)
    else:
        files = sorted(SAMPLE.glob("*.jsonl")) + sorted(SAMPLE.glob("*.jsonl.gz"))
        source, texts = f"{SAMPLE} (sample corpus)", [text for path in files for text in read_jsonl(path)]
    if chars > 0:
        texts = [text[:chars] for text in texts if len(text) >= chars] or [t for t in texts if t]
    texts = (texts * (docs // max(len(texts), 1) + 1))[:docs]
    return source, texts


def best_seconds(score, batches: list, repeat: int) -> float:
    """Best wall time of ``repeat`` rounds of ``score(batch)`` over every batch."""
    score(batches[0])  # warm-up: lazy imports and caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for batch in batches:
            score(batch)
        times.append(time.perf_counter() - started)
    return min(times)


def first_stage_call(stage):
    """``FirstStage.score`` of a batch of English texts (languages and word counts precomputed, not timed)."""

    def prepared(batch):
        return batch, ["en"] * len(batch), word_counts(batch), [[]] * len(batch)

    return lambda item: stage.score(*item), prepared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=LABELED)
    parser.add_argument("--chars", type=int, default=1500, help="cut texts to this many characters (0: whole)")
    parser.add_argument("--docs", type=int, default=5120, help="texts to score per round")
    parser.add_argument("--repeat", type=int, default=5, help="rounds per detector; the best counts")
    parser.add_argument("--core", type=int, default=0, help="CPU core to pin to")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.core})
    source, texts = load_texts(args.data, args.chars, args.docs)
    batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
    config = load_config()
    names = config.detectors.enabled
    seconds = {name: best_seconds(registry.create(name).score, batches, args.repeat) for name in names}
    rates = {name: round(len(texts) / s) for name, s in seconds.items()}
    rates["combined"] = round(len(texts) / sum(seconds.values()))
    score, prepared = first_stage_call(load_first_stage(config))
    rates["first_stage"] = round(len(texts) / best_seconds(score, [prepared(b) for b in batches], args.repeat))
    result = {"source": source, "docs": len(texts), "chars": args.chars, "docs_per_s": rates}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
