import numpy as np

from synthsieve_training.data import Columns, dataset_folds, family, family_folds, load_labeled

from builders import toy_rows


def test_generator_families():
    assert [family(g) for g in ("human", "gpt-4o", "Claude-instant", "Google-PaLM", "Llama-2-70b", "opt-2.7b")] == [
        "human", "openai", "anthropic", "google", "meta", "meta"
    ]  # fmt: skip
    assert [family(g) for g in ("Qwen2-7B", "gpt2-xl", "gpt-neox-20b", "dipper", "unknown")] == [
        "mistral-qwen-deepseek", "older-open", "older-open", "older-open", "unknown"
    ]  # fmt: skip


def _rows():
    rows = toy_rows(60, datasets=("outfox", "argugpt", "imbd", "fast-detect-gpt"), mixed_in="imbd")
    rows[2]["group"] = rows[3]["group"] = "shared"  # imbd and fast-detect-gpt share a source text
    return rows


def test_dataset_folds_hold_out_partners_and_shared_groups():
    rows = _rows()
    cols = Columns(rows)
    folds = {f.name: f for f in dataset_folds(cols)}
    assert sorted(folds) == ["argugpt", "fast-detect-gpt", "imbd", "outfox"]
    argugpt = folds["argugpt"]
    assert set(cols.dataset[argugpt.test]) == {"argugpt", "outfox"}
    assert set(cols.label[argugpt.test][cols.dataset[argugpt.test] == "outfox"]) == {"human"}
    assert "outfox" not in set(cols.dataset[argugpt.train])
    for fold in folds.values():
        assert not set(cols.group[fold.train]) & set(cols.group[fold.test])
    assert 3 not in folds["imbd"].train and 2 not in folds["fast-detect-gpt"].train


def test_family_folds_test_one_family_against_held_out_humans_and_train_without_them():
    rows = _rows()
    cols = Columns(rows)
    for fold in family_folds(cols):
        test_machine = cols.label[fold.test] != "human"
        assert set(cols.family[fold.test][test_machine]) <= {fold.name}
        assert fold.name not in set(cols.family[fold.train]) and "unknown" not in set(cols.family[fold.train])
        assert not set(cols.group[fold.train]) & set(cols.group[fold.test])
    humans = [set(f.test[cols.label[f.test] == "human"]) for f in family_folds(cols)]
    assert all(h == humans[0] for h in humans)  # the same held-out humans in every family fold


def test_load_labeled_concatenates_files(tmp_path):
    import gzip
    import json

    for name, ids in (("a", ["1", "2"]), ("b", ["3"])):
        with gzip.open(tmp_path / f"{name}.jsonl.gz", "wt") as f:
            f.writelines(json.dumps({"id": i}) + "\n" for i in ids)
    assert [r["id"] for r in load_labeled([tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"])] == ["1", "2", "3"]
    assert np.array_equal(Columns(toy_rows(4)).label, np.array([r["label"] for r in toy_rows(4)], dtype=object))
