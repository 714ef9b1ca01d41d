"""The leave-one-out machinery end to end on toy rows, through ``FirstStage`` (style_v2 and markers_v1: fast)."""

import numpy as np
import pytest

from synthsieve.config import load_config
from synthsieve_training import lodo
from synthsieve_training.report import markdown

from builders import toy_rows


@pytest.fixture(scope="module")
def evaluated():
    rows = toy_rows(450, datasets=("outfox", "argugpt", "imbd"), mixed_in="imbd")
    config = load_config(overrides={"detectors.enabled": ["style_v2", "markers_v1"], "detectors.min_words": 5})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lodo, "LANGUAGE_MIN_TEXTS", 10)
        return rows, lodo.evaluate(rows, config, seed=0, target_fpr=0.05, target_fnr=0.1)


def test_every_data_set_and_family_is_a_fold_with_a_three_way_confusion(evaluated):
    _, ev = evaluated
    folds = {(r["kind"], r["name"]) for r in ev.report["folds"]}
    assert {("dataset", d) for d in ("outfox", "argugpt", "imbd")} <= folds
    assert ("family", "openai") in folds and ("family", "meta") in folds
    assert all(set(r["confusion"]) == {"human", "synthetic", "mixed"} for r in ev.report["folds"])


def test_languages_stacker_and_thresholds_come_out_of_fold(evaluated):
    rows, ev = evaluated
    assert ev.languages == ["en"] and ev.report["languages_evidence"]["en"]["declared"]
    assert set(ev.stacker.weights) == {"style_v2"} and ev.stacker.weights["style_v2"] > 0
    t = ev.report["thresholds"]
    assert 0 <= t["human_threshold"] < t["synthetic_threshold"] <= 1
    assert ev.report["pooled"]["fpr"] <= 0.05
    assert ev.report["summary"]["mean_auroc"] > 0.8  # the toy classes are easy


def test_the_stacker_gives_every_detector_one_shared_weight():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400).astype(float)
    X = np.c_[3 * (y - 0.5) + rng.normal(size=400), rng.normal(size=400)]  # one detector informative, one noise
    stacker = lodo.fit_stacker(X, y, np.array(["a", "b"] * 200), ["informative", "noise"])
    assert stacker.weights["informative"] == stacker.weights["noise"] > 0
    # The shared weight is the logistic fit on the summed log-odds.
    summed = lodo.fit_stacker(X.sum(axis=1, keepdims=True), y, np.array(["a", "b"] * 200), ["sum"])
    assert summed.weights["sum"] == stacker.weights["noise"] and summed.bias == stacker.bias


def test_every_judged_row_has_an_out_of_fold_score(evaluated):
    rows, ev = evaluated
    assert ev.oof.shape == (len(rows),)
    judged = ~np.isnan(ev.oof)
    assert judged.mean() > 0.9 and ((ev.oof[judged] >= 0) & (ev.oof[judged] <= 1)).all()


def test_markdown_has_a_row_per_fold_and_per_language(evaluated):
    text = markdown(evaluated[1].report)
    assert "| dataset | argugpt |" in text and "| family | openai |" in text and "| en | yes |" in text
