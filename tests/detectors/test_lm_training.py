"""Fitting ``lm_v1``'s weights: sign-consistent statistics only, deterministic, and the stratified sample."""

import numpy as np

from synthsieve.detectors.lm import probability
from synthsieve.detectors.lm_training import fit, sample_rows

from builders import toy_rows


def _data(seed=0):
    rng = np.random.default_rng(seed)
    datasets = np.repeat(["a", "b", "c"], 200)
    y = np.tile(np.repeat([0, 1], 100), 3)
    shift = np.where(datasets == "c", -0.3, 1.0)  # column 1 flips sign on data set c: never consistent
    X = np.column_stack([rng.normal(size=600) + y, rng.normal(size=600) + y * shift, rng.normal(size=600)])
    return X, y, datasets


def test_fit_keeps_only_statistics_whose_effect_agrees_on_every_data_set():
    X, y, datasets = _data()
    model = fit(X, ["up", "flips", "noise"], y, datasets, {"min_effect": 0.2})
    assert model["features"] == ["up"] and model["signs"]["up"] == 1.0
    p = probability(model, {"up": X[:, 0]})
    assert p[y == 1].mean() > p[y == 0].mean() + 0.1


def test_fit_is_deterministic():
    X, y, datasets = _data()
    assert fit(X, ["a", "b", "c"], y, datasets, {}) == fit(X, ["a", "b", "c"], y, datasets, {})


def test_sample_rows_is_stratified_seeded_and_drops_mixed():
    rows = toy_rows(240, seed=1)
    sample = sample_rows(rows, 10, seed=7)
    assert sample == sample_rows(rows, 10, seed=7)
    assert all(r["label"] in ("human", "synthetic") for r in sample)
    groups = {(r["dataset"], r["label"]) for r in rows if r["label"] != "mixed"}
    assert len(sample) == 10 * len(groups)
