"""``lm_stats`` on hand-made log-probabilities, checked against values worked out by hand."""

import math

import numpy as np
import pytest

from synthsieve.detectors.lm_stats import FEATURES, aggregate, token_values


def _values():
    # Position 0: p = (.5, .25, .25) observing token 1; position 1: uniform observing token 0; position 2: the
    # observed token is the most likely one.
    probs = np.array([[0.5, 0.25, 0.25], [1 / 3, 1 / 3, 1 / 3], [0.8, 0.1, 0.1]], np.float32)
    return token_values(np.log(probs), probs.copy(), np.array([1, 0, 0]))


def test_token_values_match_hand_computed_ones():
    logp, entropy, var, rank = _values()
    ln2, ln3 = math.log(2), math.log(3)
    assert logp[:2] == pytest.approx([-2 * ln2, -ln3], abs=1e-6)
    assert entropy[:2] == pytest.approx([1.5 * ln2, ln3], abs=1e-6)
    assert var[:2] == pytest.approx([0.25 * ln2**2, 0.0], abs=1e-6)
    assert rank.tolist() == [2.0, 1.0, 1.0]  # ties do not count as more likely


def test_aggregate_features_match_hand_computed_values():
    logp, entropy, var, rank = _values()
    f = dict(zip(FEATURES, aggregate(logp, entropy, var, rank, np.array([True, False, False]))))
    assert f["mean_logp"] == pytest.approx(logp.mean()) and f["logp_q50"] == pytest.approx(np.median(logp))
    assert f["top1_share"] == pytest.approx(2 / 3) and f["top10_share"] == 1.0
    assert f["mean_logrank"] == pytest.approx(math.log(2) / 3)
    assert f["curvature"] == pytest.approx((logp + entropy).sum() / math.sqrt(var.sum()))
    assert f["ppl_entropy_ratio"] == pytest.approx(-logp.mean() / entropy.mean())
    # Two sentences: token 0 alone (it ends one), then tokens 1 and 2.
    assert f["sent_logp_std"] == pytest.approx(np.std([logp[0], logp[1:].mean()]))


def test_one_token_texts_have_no_spread():
    f = dict(zip(FEATURES, aggregate(*[v[:1] for v in _values()], np.array([False]))))
    assert f["std_logp"] == 0.0 and f["sent_logp_std"] == 0.0 and f["logp_entropy_corr"] == 0.0
