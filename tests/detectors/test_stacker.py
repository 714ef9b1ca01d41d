import json

import numpy as np
import pytest

from synthsieve.detectors.stacker import Stacker, logit


def test_combine_is_the_logistic_of_weighted_log_odds():
    stacker = Stacker({"a": 2.0, "b": 0.5}, -1.0)
    p = stacker.combine({"a": np.array([0.5, 0.9]), "b": np.array([0.2, 0.5])})
    z = -1.0 + 2.0 * logit(np.array([0.5, 0.9])) + 0.5 * logit(np.array([0.2, 0.5]))
    assert p.dtype == np.float32 and np.allclose(p, 1 / (1 + np.exp(-z)))


def test_mean_logit_of_agreeing_detectors_keeps_their_probability():
    p = Stacker.mean_logit(["a", "b"]).combine({"a": np.array([0.8]), "b": np.array([0.8])})
    assert p[0] == pytest.approx(0.8, abs=1e-6)


def test_log_odds_are_bounded_so_one_certain_detector_cannot_decide_alone():
    assert logit(np.array([0.0, 1.0])).tolist() == pytest.approx([-9.21024, 9.21024], abs=1e-4)


def test_a_missing_detector_is_a_key_error():
    with pytest.raises(KeyError):
        Stacker({"a": 1.0}, 0.0).combine({"b": np.array([0.5])})


def test_load_reads_weights_bias_and_languages(tmp_path):
    card = tmp_path / "first_stage.json"
    card.write_text(json.dumps({"weights": {"a": 1.5}, "bias": 0.25, "languages": ["en", "zh"]}))
    assert Stacker.load(card) == Stacker({"a": 1.5}, 0.25, frozenset({"en", "zh"}))
