"""``lm_stats.token_statistics`` on hand-made logits, checked against values worked out by hand."""

import math

import pytest

torch = pytest.importorskip("torch", reason="the lm extra (torch) is not installed")

from synthsieve.detectors.lm_stats import FEATURES, token_statistics  # noqa: E402


def _batch():
    # Row 0: position 0 has p = (.5, .25, .25) and observes token 1; position 1 is uniform and observes token 0;
    # position 2 is padding with logits that would change every statistic if the mask were ignored.
    # Row 1: one scored position where the observed token is the most likely one.
    logits = torch.tensor(
        [
            [[math.log(0.5), math.log(0.25), math.log(0.25)], [0.0, 0.0, 0.0], [9.0, -9.0, 0.0]],
            [[2.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
        ]
    )
    targets = torch.tensor([[1, 0, 1], [0, 0, 0]])
    mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
    return logits, targets, mask


def test_features_match_hand_computed_values():
    stats = {k: v.tolist() for k, v in token_statistics(*_batch()).items()}
    assert set(stats) == set(FEATURES)
    ln2, ln3, ln4 = math.log(2), math.log(3), math.log(4)
    # Position 0: log p(x) = -ln 4, entropy = 1.5 ln 2, E[log p] = -1.5 ln 2, var = 2.5 ln^2 2 - 2.25 ln^2 2, rank 2.
    # Position 1: log p(x) = -ln 3 = E[log p], var 0, rank 1 (ties do not count as more likely).
    mean_logp = (-ln4 - ln3) / 2
    assert stats["mean_logp"][0] == pytest.approx(mean_logp, abs=1e-6)
    assert stats["std_logp"][0] == pytest.approx((ln4 - ln3) / 2, abs=1e-6)
    assert stats["mean_entropy"][0] == pytest.approx((1.5 * ln2 + ln3) / 2, abs=1e-6)
    assert stats["mean_logrank"][0] == pytest.approx(ln2 / 2, abs=1e-6)
    assert stats["top1_share"][0] == pytest.approx(0.5)
    # (log p - mu) summed: -ln 4 + 1.5 ln 2 = -0.5 ln 2; sqrt of summed variance: sqrt(0.25 ln^2 2) = 0.5 ln 2.
    assert stats["curvature"][0] == pytest.approx(-1.0, abs=1e-5)
    assert stats["ppl_entropy_ratio"][0] == pytest.approx(-mean_logp / ((1.5 * ln2 + ln3) / 2), abs=1e-6)


def test_most_likely_token_has_rank_one_and_positive_curvature():
    stats = token_statistics(*_batch())
    z = 2.0 - math.log(math.exp(2.0) + 2.0)  # log p of the observed, most likely token
    assert stats["mean_logp"][1].item() == pytest.approx(z, abs=1e-6)
    assert stats["top1_share"][1].item() == 1.0
    assert stats["mean_logrank"][1].item() == 0.0
    assert stats["curvature"][1].item() > 0
