import json

import numpy as np
import pytest

from synthsieve.detectors import registry, style_training
from synthsieve.detectors.style import MODEL_PATH, StyleV1

from builders import DEV_SET, toy_rows

DATA = DEV_SET


def test_training_is_deterministic(tmp_path):
    rows = toy_rows(datasets=("outfox", "l2r", "argugpt", "mixset"), mixed_in="mixset")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = style_training.train_style(rows, tmp_path / "a" / "m.json", seed=3)
    second = style_training.train_style(rows, tmp_path / "b" / "m.json", seed=3)
    assert first.read_bytes() == second.read_bytes()


def test_model_records_recipe_and_data(tmp_path):
    rows = toy_rows(datasets=("outfox", "l2r", "argugpt", "mixset"), mixed_in="mixset")
    meta = json.loads(style_training.train_style(rows, tmp_path / "m.json", seed=0).read_text())
    assert meta["name"] == "m" and meta["seed"] == 0 and meta["recipe"]["mixed"] == "drop"
    assert "mixed" not in meta["training_data"]["rows"]["mixset"]
    assert len(meta["training_data"]["sha256_of_targets_and_texts"]) == 64
    model = meta["model"]
    assert model["features"] and len(model["weights"]) == len(model["mean"]) == len(model["features"])


def test_trained_model_separates_toy_classes(tmp_path):
    rows = toy_rows(datasets=("outfox", "l2r", "argugpt", "mixset"), mixed_in="mixset")
    detector = StyleV1(str(style_training.train_style(rows, tmp_path / "m.json", seed=0)))
    p = detector.score([row["text"] for row in rows])["p"]
    human = np.array([row["label"] == "human" for row in rows])
    assert p[~human].mean() > p[human].mean()


def test_fit_logistic_reaches_a_stationary_point():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (X @ [1.0, -2.0, 0.0] + rng.normal(size=400) > 0).astype(float)
    w = np.ones(400)
    beta = style_training.fit_logistic(X, y, w, l2=0.01)
    p = 1 / (1 + np.exp(-(beta[0] + X @ beta[1:])))
    gradient = np.hstack([np.ones((400, 1)), X]).T @ (w / w.sum() * (p - y)) + 0.01 * np.r_[0.0, beta[1:]]
    assert np.abs(gradient).max() < 1e-8
    assert beta[1] > 0 > beta[2]


def test_committed_model_scores_in_unit_interval_and_batch_equals_one_by_one():
    detector = registry.create("style_v1")
    texts = [
        row["text"] for row in toy_rows(12, datasets=("outfox", "l2r", "argugpt", "mixset"), mixed_in="mixset")
    ] + ["", "Short.", "Moreover, it is important to note the tapestry."]
    p = detector.score(texts)["p"]
    assert p.dtype == np.float32 and p.shape == (len(texts),)
    assert ((p >= 0) & (p <= 1)).all()
    assert np.allclose(p, np.concatenate([detector.score([t])["p"] for t in texts]))
    assert detector.score([])["p"].shape == (0,)


def test_committed_model_uses_known_features():
    model = json.loads(MODEL_PATH.read_text())["model"]
    assert set(model["features"]) <= set(style_training.FEATURE_NAMES)


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="synthsieve train"):
        StyleV1(str(tmp_path / "absent.json"))


@pytest.mark.skipif(not DATA.is_file(), reason=f"labeled data {DATA} is absent (../shared is not checked out)")
def test_lodo_on_shared_data_beats_chance():
    from synthsieve.detectors.training import load_labeled

    rows = [row for i, row in enumerate(load_labeled(DATA)) if i % 10 == 0]
    results = style_training.lodo_style(rows, seed=13)
    assert {r["dataset"] for r in results} == {"argugpt", "l2r", "lorenz-wiki-news", "mixset", "outfox"}
    assert np.mean([r["auroc"] for r in results]) > 0.6
