"""Writes the near-duplicate benchmark corpus: every labeled text once, plus perturbed copies up to N docs.

Usage:
    python bench/near_dup_corpus.py ../shared/data/labeled/dev.jsonl.gz OUT_DIR [--docs 100000] [--shards 8]
    python bench/near_dup_corpus.py ../shared/data/labeled/{dev,more}.jsonl.gz /tmp/nd1m --docs 1000000 --shards 32

Each copy takes a random original (seeded) and changes 1-5% of its words (replace with a word of another text,
delete, or insert), the "light copies" of a spun or templated page. Documents are shuffled into ``--shards``
``.jsonl.gz`` files with ``id``, ``text`` and ``url`` (copies get a random domain from a pool of 2,000). The planted
pairs go to ``OUT_DIR/truth.jsonl`` (one ``{"copy", "original"}`` per line). The corpus is derived from the labeled
sets: never commit it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path


def perturb(words: list[str], vocab: list[str], share: float, rng: random.Random) -> list[str]:
    """A copy with ``share`` of its words replaced, deleted or inserted (at least one change)."""
    out = list(words)
    for _ in range(max(1, round(share * len(words)))):
        op, i = rng.random(), rng.randrange(max(1, len(out)))
        if op < 0.6 and out:
            out[i] = rng.choice(vocab)
        elif op < 0.8 and len(out) > 1:
            del out[i]
        else:
            out.insert(i, rng.choice(vocab))
    return out


def build(sources: list[Path], docs: int, seed: int) -> tuple[list[dict], list[dict]]:
    """The shuffled documents and the planted (copy, original) pairs."""
    rng = random.Random(seed)
    originals = []
    for source in sources:
        with gzip.open(source, "rt", encoding="utf-8") as f:
            originals += [json.loads(line) for line in f]
    texts = [r["text"].split() for r in originals]
    vocab = [w for words in rng.sample(texts, 2000) for w in words]
    rows = [
        {"id": f"o{i:06d}", "text": r["text"], "url": f"https://site{i % 5000}.example/{i}"}
        for i, r in enumerate(originals)
    ]
    truth = []
    for k in range(docs - len(rows)):
        i = rng.randrange(len(originals))
        words = perturb(texts[i], vocab, rng.uniform(0.01, 0.05), rng)
        rows.append(
            {"id": f"c{k:06d}", "text": " ".join(words), "url": f"https://farm{rng.randrange(2000)}.example/{k}"}
        )
        truth.append({"copy": f"c{k:06d}", "original": f"o{i:06d}"})
    rng.shuffle(rows)
    return rows, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", type=Path, nargs="+", help="labeled .jsonl.gz files")
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows, truth = build(args.sources, args.docs, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for s in range(args.shards):
        with gzip.open(args.out / f"part-{s:02d}.jsonl.gz", "wt", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in rows[s :: args.shards])
    (args.out / "truth.jsonl").write_text("".join(json.dumps(t) + "\n" for t in truth))
    print(json.dumps({"documents": len(rows), "planted_pairs": len(truth), "shards": args.shards}))


if __name__ == "__main__":
    main()
