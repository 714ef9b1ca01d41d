import gzip
import json

import pytest

from synthsieve.detectors import training
from synthsieve.detectors.fasttext_char import FastTextCharV1

from builders import DEV_SET, toy_rows

DATA = DEV_SET
SMALL = {"dim": 8, "bucket": 20_000, "epoch": 5, "wordNgrams": 2, "cutoff": 0, "thread": 1}


def test_train_is_deterministic(tmp_path):
    rows = toy_rows()
    first = training.train_fasttext(rows, tmp_path / "a" / "m.ftz", SMALL, seed=3)
    second = training.train_fasttext(rows, tmp_path / "b" / "m.ftz", SMALL, seed=3)
    assert first.read_bytes() == second.read_bytes()
    assert first.with_suffix(".json").read_text() == second.with_suffix(".json").read_text()


def test_sidecar_records_recipe(tmp_path):
    rows = toy_rows()
    model = training.train_fasttext(rows, tmp_path / "m.ftz", {**SMALL, "mixed": "synthetic"}, seed=0)
    meta = json.loads(model.with_suffix(".json").read_text())
    assert meta["name"] == "m" and meta["seed"] == 0
    assert meta["params"]["dim"] == 8 and meta["params"]["mixed"] == "synthetic"
    n_mixed = sum(row["label"] == "mixed" for row in rows)
    assert sum(meta["training_data"]["rows"]["l2r"].values()) == sum(row["dataset"] == "l2r" for row in rows)
    assert "human" not in meta["training_data"]["rows"]["argugpt"]
    assert meta["training_data"]["rows"]["l2r"]["mixed"] == n_mixed > 0
    assert len(meta["training_data"]["sha256_of_training_file"]) == 64


def test_mixed_rows_can_be_dropped(tmp_path):
    rows = toy_rows()
    counts = training.write_training_file(rows, tmp_path / "t.txt", {**training.DEFAULT_PARAMS, "mixed": "drop"}, 0)
    kept = sum(row["label"] != "mixed" for row in rows)
    assert sum(sum(c.values()) for c in counts.values()) == kept
    lines = (tmp_path / "t.txt").read_text().splitlines()
    assert len(lines) == kept and all(line.startswith(("__label__human ", "__label__synthetic ")) for line in lines)


def test_unknown_mixed_treatment_fails(tmp_path):
    with pytest.raises(ValueError, match="mixed"):
        training.write_training_file(toy_rows(), tmp_path / "t.txt", {**training.DEFAULT_PARAMS, "mixed": "human"}, 0)


def test_failed_fit_reports_stderr(tmp_path):
    with pytest.raises(RuntimeError, match="fastText training failed"):
        training.train_fasttext(toy_rows(), tmp_path / "m.ftz", {**SMALL, "loss": "no-such-loss"}, seed=0)


def test_trained_model_separates_toy_classes(tmp_path):
    rows = toy_rows(seed=1)
    model = training.train_fasttext(rows, tmp_path / "m.ftz", SMALL, seed=0)
    result = training.evaluate(model, toy_rows(n=60, seed=2))
    assert result["auroc"] > 0.9 and result["n_mixed"] > 0 and 0 <= result["mixed_auroc"] <= 1


def test_lodo_pairs_argugpt_with_outfox_humans():
    results = training.lodo(toy_rows(), SMALL, seed=0)
    by_set = {r["dataset"]: r for r in results}
    assert sorted(by_set) == ["argugpt", "l2r", "outfox"]
    argugpt = by_set["argugpt"]
    assert argugpt["humans_from"] == "outfox" and argugpt["n_human"] == 40 and argugpt["n_synthetic"] == 80
    assert argugpt["n_train"] == 80  # l2r only: outfox is held out with argugpt
    assert "| argugpt | outfox |" in training.markdown_table(results)


def test_featurization_option_comes_from_sidecar(tmp_path):
    model = training.train_fasttext(toy_rows(), tmp_path / "m.ftz", {**SMALL, "llm_words": False}, seed=0)
    assert FastTextCharV1(str(model)).llm_words is False


@pytest.mark.skipif(not DATA.is_file(), reason=f"labeled data {DATA} is absent (it lives in ../shared)")
def test_load_labeled_reads_alltoy_rows():
    rows = training.load_labeled(DATA)
    assert len(rows) == 21_886
    assert {row["label"] for row in rows} == {"human", "synthetic", "mixed"}
    assert {"id", "text", "dataset", "group", "split"} <= set(rows[0])


def test_train_all_writes_the_packaged_model_name(tmp_path):
    data = tmp_path / "labeled.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in toy_rows())
    model, _ = training.train_all(data, tmp_path / "models", seed=13)
    assert model == tmp_path / "models" / "fasttext_char_v1.ftz"
    assert json.loads(model.with_suffix(".json").read_text())["params"] == training.DEFAULT_PARAMS
