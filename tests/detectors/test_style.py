import json

import numpy as np
import pytest

from synthsieve.detectors import registry
from synthsieve.detectors.style import StyleV2
from synthsieve.detectors.stylometry import FEATURE_NAMES
from synthsieve_training.style_train import train_style

from builders import toy_rows

ROWS = toy_rows(datasets=("outfox", "l2r", "argugpt", "mixset"), mixed_in="mixset")


def test_training_is_deterministic(tmp_path):
    first = train_style(ROWS, tmp_path / "a" / "m.json", seed=3)
    second = train_style(ROWS, tmp_path / "b" / "m.json", seed=3)
    assert first.read_bytes() == second.read_bytes()


def test_card_records_recipe_data_and_languages(tmp_path):
    card = json.loads(train_style(ROWS, tmp_path / "m.json", seed=0, languages=["zh", "en"]).read_text())
    assert card["name"] == "style_v2" and card["seed"] == 0 and card["languages"] == ["en", "zh"]
    assert card["training_data"]["rows"]["mixset"]["mixed"] > 0  # mixed rows train as synthetic
    assert len(card["training_data"]["sha256_of_targets_and_texts"]) == 64
    model = card["model"]
    assert model["features"] == list(FEATURE_NAMES) and len(model["weights"]) == len(model["mean"])


def test_trained_model_separates_toy_classes(tmp_path):
    detector = StyleV2.load(str(train_style(ROWS, tmp_path / "m.json", seed=0)))
    p = detector.score([row["text"] for row in ROWS]).columns["p"]
    human = np.array([row["label"] == "human" for row in ROWS])
    assert detector.languages is None and p[~human].mean() > p[human].mean()


def test_scores_are_probabilities_and_batch_equals_one_by_one(tmp_path):
    detector = registry.create("style_v2", str(train_style(ROWS, tmp_path / "m.json", seed=0)))
    texts = [row["text"] for row in ROWS[:12]] + ["", "Short.", "Moreover, it is important to note the tapestry."]
    p = detector.score(texts).columns["p"]
    assert p.dtype == np.float32 and p.shape == (len(texts),) and ((p >= 0) & (p <= 1)).all()
    assert np.allclose(p, np.concatenate([detector.score([t]).columns["p"] for t in texts]))
    assert detector.score([]).columns["p"].shape == (0,)


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="synthsieve train"):
        StyleV2.load(str(tmp_path / "absent.json"))
