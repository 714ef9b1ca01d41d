"""Labelled texts and the folds that judge generalisation: leave one data set out, leave one generator family out.

Rows are dicts with ``id``, ``text``, ``label`` (``human``, ``synthetic``, ``mixed``), ``dataset``, ``domain``,
``generator``, ``attack``, ``lang`` and ``group`` (texts derived from the same source share a group).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xxhash

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "labeled"
DATA_PATHS = (SHARED / "dev.jsonl.gz", SHARED / "more.jsonl.gz")
# A data set without human texts is tested against the humans of a similar set, held out along with it.
HUMAN_PARTNERS = {"argugpt": "outfox"}
# Generator families, matched in order against the lowercased generator name.
FAMILIES = (
    ("openai", ("gpt-4", "gpt4", "gpt-3.5", "chatgpt", "davinci", "babbage", "curie")),
    ("anthropic", ("claude",)),
    ("google", ("gemini", "palm", "flan")),
    ("meta", ("llama", "opt-")),
    ("mistral-qwen-deepseek", ("mistral", "qwen", "deepseek")),
    ("older-open", ("gpt2", "gpt-j", "gpt-neo", "dolly", "stablelm", "chatglm", "dipper")),
)
# Training-only data sets (``augment.py``'s generated continuations), never held out: no fold of their own. Their
# generator family is their own name, so every family fold trains on them.
TRAINING_ONLY = {"smollm2-continuations": "smollm2-135m-sampled"}
HELD_OUT_HUMANS = 0.2  # share of human groups each generator-family fold tests on (and trains without)


def load_labeled(paths: Sequence[Path | str] = DATA_PATHS) -> list[dict]:
    """Rows of every labelled ``.jsonl.gz`` file, in file order."""
    rows = []
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f)
    return rows


def family(generator: str) -> str:
    """The generator family of a model name (``human`` for people, ``unknown`` when no family matches)."""
    name = generator.lower()
    if name == "human":
        return "human"
    if name in TRAINING_ONLY.values():
        return name
    return next((fam for fam, keys in FAMILIES if any(k in name for k in keys)), "unknown")


@dataclass(frozen=True)
class Fold:
    """One held-out set: rows to train on and rows to test on (indices into the row list)."""

    kind: str  # "dataset" or "family"
    name: str
    train: np.ndarray
    test: np.ndarray


class Columns:
    """The fields of a row list as numpy arrays (``dataset``, ``label``, ``lang``, ``group``, ``family``, ...)."""

    def __init__(self, rows: Sequence[dict]):
        for key in ("dataset", "label", "lang", "group", "domain", "attack", "generator"):
            setattr(self, key, np.array([row[key] for row in rows], dtype=object))
        self.family = np.array([family(g) for g in self.generator], dtype=object)
        self.n = len(rows)


def dataset_folds(cols: Columns) -> Iterator[Fold]:
    """Leave one data set out: test on it (a human-less set with its partner's humans); train on the other sets
    without any text that shares a group with a test text (the same source text, polished or continued elsewhere)."""
    for dataset in sorted(set(cols.dataset) - set(TRAINING_ONLY)):
        partner = HUMAN_PARTNERS.get(dataset, dataset)
        test = (cols.dataset == dataset) | ((cols.dataset == partner) & (cols.label == "human"))
        train = ~np.isin(cols.dataset, [dataset, partner]) & ~np.isin(cols.group, list(set(cols.group[test])))
        yield Fold("dataset", dataset, np.flatnonzero(train), np.flatnonzero(test))


def family_folds(cols: Columns) -> Iterator[Fold]:
    """Leave one generator family out: test on its machine texts (synthetic and mixed) and a fixed fifth of the
    human groups (by group hash); train on every other text whose group is in neither, leaving out machine texts
    whose generator is unknown (they may come from the held-out family)."""
    held = np.array([xxhash.xxh3_64_intdigest(g.encode()) / 2.0**64 < HELD_OUT_HUMANS for g in cols.group])
    humans = (cols.label == "human") & held
    for name, _ in FAMILIES:
        test = humans | ((cols.family == name) & (cols.label != "human"))
        train = ~np.isin(cols.group, list(set(cols.group[test]))) & ~np.isin(cols.family, [name, "unknown"])
        yield Fold("family", name, np.flatnonzero(train), np.flatnonzero(test))
