import numpy as np

from synthsieve_training.linear import balanced_weights, fit_logistic, fit_zscored, rounded


def test_fit_logistic_reaches_a_stationary_point():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (X @ [1.0, -2.0, 0.0] + rng.normal(size=400) > 0).astype(float)
    w = np.ones(400)
    beta = fit_logistic(X, y, w, l2=0.01)
    p = 1 / (1 + np.exp(-(beta[0] + X @ beta[1:])))
    gradient = np.hstack([np.ones((400, 1)), X]).T @ (w / w.sum() * (p - y)) + 0.01 * np.r_[0.0, beta[1:]]
    assert np.abs(gradient).max() < 1e-8
    assert beta[1] > 0 > beta[2]


def test_balanced_weights_give_every_group_and_target_the_same_total():
    groups, y = np.array(["a", "a", "a", "b", "b", "b"]), np.array([0, 1, 1, 0, 0, 1])
    w = balanced_weights(groups, y)
    totals = {(g, t): w[(groups == g) & (y == t)].sum() for g in "ab" for t in (0, 1)}
    assert np.allclose(list(totals.values()), 1.5) and np.isclose(w.mean(), 1.0)


def test_zscores_are_against_the_human_rows():
    X = np.array([[0.0], [2.0], [10.0], [12.0]])
    model = fit_zscored(X, np.array([0.0, 0.0, 1.0, 1.0]), np.array(["d"] * 4), ["f"], 0.01)
    assert model["mean"] == [1.0] and np.isclose(model["std"][0], 1.0) and model["weights"][0] > 0


def test_rounded_makes_floats_six_significant_digits_everywhere():
    assert rounded({"a": [1.23456789, {"b": 0.000123456789}], "c": "x"}) == {
        "a": [1.23457, {"b": 0.000123457}],
        "c": "x",
    }
