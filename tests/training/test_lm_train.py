import numpy as np
import pytest

from synthsieve.detectors.lm import calibrated, combined, evidence
from synthsieve.detectors.lm_stats import FEATURES
from synthsieve_training.data import Columns, family_folds
from synthsieve_training.lm_train import fit, fit_calibration, lodo, sample, scope_fnr, scope_range
from synthsieve_training.report import LM_COLUMNS, lm_markdown

from builders import toy_rows


def _data(n, seed=0):
    """Statistics whose first column and hidden states carry the label, and a weak first-stage log-odds."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(float)
    stats = rng.normal(size=(n, len(FEATURES)))
    stats[:, 0] += 2 * y
    hidden = rng.normal(size=(n, 8)) + y[:, None] * 0.5
    first = rng.normal(size=n) + 0.3 * y
    return stats, hidden, first, y


def test_fit_learns_from_statistics_probe_and_first_stage():
    stats, hidden, first, y = _data(600)
    model = fit(stats, hidden, first, y, np.array(["a", "b"] * 300), l2=0.01)
    assert model["statistics"]["weights"][0] > 0 and np.mean(model["hidden"]["weights"]) > 0
    assert model["first_stage_weight"] > 0 and model["features"] == list(FEATURES)
    p = combined(model, evidence(model, stats, hidden), first)
    assert np.mean(p[y == 1]) > np.mean(p[y == 0]) + 0.4


def test_the_lm_alone_has_no_first_stage_weight():
    stats, hidden, _, y = _data(300)
    assert fit(stats, hidden, None, y, np.array(["a"] * 300), 1.0)["first_stage_weight"] == 0.0


def test_sample_is_stratified_and_seeded():
    rows = toy_rows(300)
    cols = Columns(rows)
    first, again = sample(cols, 10, 2, seed=7), sample(cols, 10, 2, seed=7)
    assert np.array_equal(first, again) and not np.array_equal(first, sample(cols, 10, 2, seed=8))
    for dataset in set(cols.dataset):
        human = (cols.dataset[first] == dataset) & (cols.label[first] == "human")
        assert human.sum() <= 20


def test_lodo_compares_first_stage_lm_and_combined_per_held_out_data_set_and_family():
    rows = toy_rows(450, datasets=("outfox", "argugpt", "imbd"), mixed_in="imbd")
    cols = Columns(rows)
    stats, hidden, first, _ = _data(len(rows))
    y = (cols.label != "human").astype(float)
    stats[:, 0] += 2 * y
    p = 1 / (1 + np.exp(-first))
    p[np.random.default_rng(1).random(len(rows)) < 0.25] = 0.99  # about a quarter: decided by the first stage
    families = {name: np.where(np.isin(np.arange(len(rows)), f.test), p, np.nan) for name, f in _families(cols)}
    data = {"stats": stats, "hidden": hidden}
    table, calibration = lodo(cols, np.arange(len(rows)), data, p, (0.2, 0.8), 0.01, ["en"], families)
    assert set(table["dataset"]) == {"outfox", "argugpt", "imbd"} and table["family"]
    for r in [*table["dataset"].values(), *table["family"].values()]:
        assert 0.3 < r["first_stage"] < 0.7 and min(r["lm_alone"], r["with_lm"]) > r["first_stage"] + 0.05
        assert r["band_with_lm"] > r["band_first_stage"] + 0.15 and r["n_band"] < r["n"]
        assert 0 < r["decided"] <= 1 and r["syn→syn"] + r["syn→hum"] <= 1 and 0 <= r["hum→syn"] <= 1
    assert lodo(cols, np.arange(len(rows)), data, p, (0.2, 0.8), 0.01, ["en"])[0]["family"] == {}
    assert calibration["scores"][0] < calibration["scores"][1]
    md = lm_markdown(table).splitlines()
    assert len(md) == 2 + len(table["dataset"]) + len(table["family"]) + 4
    worst = min(r["with_lm"] for r in table["dataset"].values())
    cells = next(line for line in md if line.startswith("| dataset | *worst*")).split(" | ")
    assert cells[2 + LM_COLUMNS.index("with_lm")] == f"{worst:.3f}"


def test_a_wider_scope_rescores_what_the_first_stage_labels_human_too():
    rows = toy_rows(450, datasets=("outfox", "argugpt", "imbd"))
    cols = Columns(rows)
    stats, hidden, first, _ = _data(len(rows), seed=2)
    stats[:, 0] += 2 * (cols.label != "human")
    p = 1 / (1 + np.exp(-first))
    data, band = {"stats": stats, "hidden": hidden}, (0.3, 0.7)
    narrow = lodo(cols, np.arange(len(rows)), data, p, band, 0.01, ["en"])[0]["dataset"]
    wide = lodo(cols, np.arange(len(rows)), data, p, band, 0.01, ["en"], None, scope_range("not_synthetic", band))
    for name, row in wide[0]["dataset"].items():
        test = (cols.dataset == name) | ((cols.dataset == "outfox") & (cols.label == "human") & (name == "argugpt"))
        below = (p < band[1]) & test & (cols.label != "mixed")
        assert row["n_band"] == below.sum() > narrow[name]["n_band"]
        assert row["with_lm"] > narrow[name]["with_lm"]  # the LM reaches the texts the first stage got wrong
    # calibrated onto the decision thresholds whatever the scope
    assert wide[1]["targets"] == pytest.approx([np.log(0.3 / 0.7), np.log(0.7 / 0.3)])


def _families(cols):
    return [(f.name, f) for f in family_folds(cols)]


def test_calibration_puts_the_target_shares_past_the_thresholds_and_keeps_the_order():
    rng = np.random.default_rng(3)
    gold = np.array(["human"] * 1000 + ["synthetic"] * 1000, dtype=object)
    z = np.concatenate([rng.normal(-1, 1, 1000), rng.normal(1, 1, 1000)])
    band = (0.3, 0.8)
    knots = fit_calibration(z, gold, band, 0.10)
    p = combined({"first_stage_weight": 0.0, "calibration": knots}, z, np.zeros(len(z)))
    assert np.mean(p[gold == "human"] >= band[1]) <= 0.01 and np.mean(p[gold == "human"] >= band[1]) > 0.005
    assert 0.09 < np.mean(p[gold == "synthetic"] <= band[0]) <= 0.10
    assert np.array_equal(np.argsort(z, kind="stable"), np.argsort(calibrated(knots, z), kind="stable"))
    separated = fit_calibration(np.array([-3.0, -2.0, 2.0, 3.0]), gold[[0, 1, -2, -1]], band, 0.10)
    assert separated["scores"][0] < separated["scores"][1] < 2.0
    wider = fit_calibration(z, gold, band, 0.25)
    p = combined({"first_stage_weight": 0.0, "calibration": wider}, z, np.zeros(len(z)))
    assert 0.24 < np.mean(p[gold == "synthetic"] <= band[0]) <= 0.25


def test_the_wider_scope_spends_the_first_stage_budget_of_machine_text_labelled_human():
    gold = np.array(["synthetic"] * 4 + ["human"] * 2, dtype=object)
    p = np.array([0.1, 0.5, 0.9, np.nan, 0.1, 0.1])  # half the judged synthetic texts under the 0.8 threshold
    assert scope_fnr("uncertain", p, gold, (0.3, 0.8)) == 0.10
    assert scope_fnr("not_synthetic", p, gold, (0.3, 0.8)) == pytest.approx(0.10 / (2 / 3))
