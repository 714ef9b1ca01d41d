import json

import numpy as np
import pytest

from synthsieve.detectors.share import (
    BINS,
    LAYOUT,
    METHOD,
    bin_index,
    density,
    estimate,
    floor,
    histogram,
    load_reference,
    loglik,
    mle,
    shrunk,
    with_prior,
)

HUMAN, SYNTHETIC = (2, 5), (5, 2)  # beta parameters of p_synthetic: humans low, machines high


def _mixture(rng, share, n, human=HUMAN, synthetic=SYNTHETIC):
    k = round(share * n)
    return histogram(np.concatenate([rng.beta(*human, n - k), rng.beta(*synthetic, k)]))


def _references(rng, n, human=HUMAN, synthetic=SYNTHETIC):
    return histogram(rng.beta(*human, n)), histogram(rng.beta(*synthetic, n))


def test_bins_cover_zero_to_one_and_leave_nan_out():
    p = np.array([0.0, 1e-9, 0.5, 1 - 1e-9, 1.0, np.nan])
    index = bin_index(p)
    assert index[0] == 0 and index[-2] == BINS - 1 and index[-1] == -1
    assert np.all(np.diff(index[:-1]) >= 0)
    assert histogram(p).sum() == 5 and len(histogram(p)) == BINS


def test_histograms_merge_exactly():
    rng = np.random.default_rng(0)
    a, b = rng.random(500), np.r_[rng.random(300), np.nan]
    assert np.array_equal(histogram(np.concatenate([a, b])), histogram(a) + histogram(b))


def test_mle_is_the_maximum_of_the_likelihood():
    rng = np.random.default_rng(1)
    human, synthetic = (density(h) for h in _references(rng, 300))
    mix = _mixture(rng, 0.3, 1000).astype(float)
    grid = np.linspace(0, 1, 20001)
    best = grid[np.argmax([loglik(mix, human, synthetic, a) for a in grid])]
    assert mle(mix, human, synthetic) == pytest.approx(best, abs=1e-4)


@pytest.mark.parametrize("share", [0.05, 0.1, 0.3, 0.5, 0.8])
def test_estimate_finds_a_known_share_inside_its_interval(share):
    rng = np.random.default_rng(2)
    got = estimate(_mixture(rng, share, 2000), *_references(rng, 2000))
    assert got.share == pytest.approx(share, abs=0.04)
    assert got.lo <= share <= got.hi and got.hi - got.lo < 0.12
    assert got.documents == 2000 and got.method == METHOD


def test_interval_covers_the_truth_despite_small_references():
    rng = np.random.default_rng(3)
    near = {"human": (2, 4), "synthetic": (4, 2)}  # the profile likelihood alone covers 0.3 in 63 of these 100
    draws = [estimate(_mixture(rng, 0.3, 2000, **near), *_references(rng, 100, **near)) for _ in range(100)]
    assert np.mean([d.lo <= 0.3 <= d.hi for d in draws]) >= 0.9


def test_edge_shares_reach_the_bounds():
    rng = np.random.default_rng(4)
    references = _references(rng, 1000)
    none, every = estimate(_mixture(rng, 0.0, 1000), *references), estimate(_mixture(rng, 1.0, 1000), *references)
    assert none.share < 0.02 and none.lo == 0.0 and none.floor == 0.0
    assert every.share > 0.98 and every.hi == 1.0 and every.floor > 0.9


def test_same_counts_give_the_same_answer():
    rng = np.random.default_rng(5)
    counts = (_mixture(rng, 0.2, 500), *_references(rng, 300))
    assert estimate(*counts) == estimate(*(c.copy() for c in counts))


def test_no_documents_give_nan_and_bad_references_raise():
    rng = np.random.default_rng(6)
    human, synthetic = _references(rng, 100)
    empty = estimate(np.zeros(BINS, np.int64), human, synthetic)
    assert empty.documents == 0 and all(np.isnan(x) for x in (empty.share, empty.lo, empty.hi, empty.floor))
    assert np.isnan(floor(np.zeros(BINS, np.int64), human))
    with pytest.raises(ValueError, match="reference"):
        estimate(human, np.zeros(BINS, np.int64), synthetic)
    with pytest.raises(ValueError, match="length"):
        estimate(human[:-1], human, synthetic)
    with pytest.raises(ValueError, match="human reference"):
        floor(human, np.zeros(BINS, np.int64))


@pytest.mark.parametrize("synthetic", [SYNTHETIC, HUMAN, (1, 20), (2, 4)])
def test_floor_stays_below_the_truth_whatever_the_synthetic_side(synthetic):
    rng = np.random.default_rng(7)
    share = 0.4
    above = sum(
        floor(_mixture(rng, share, 200, synthetic=synthetic), histogram(rng.beta(*HUMAN, 100))) > share
        for _ in range(200)
    )
    assert above <= 10  # at most 5%; the union bound makes it far rarer


def test_floor_is_informative_when_machines_score_apart():
    rng = np.random.default_rng(8)
    assert 0.3 < floor(_mixture(rng, 0.5, 2000, synthetic=(20, 2)), histogram(rng.beta(*HUMAN, 2000))) <= 0.5


def test_shipped_reference_matches_the_bins(tmp_path):
    human, synthetic = load_reference()
    assert len(human) == len(synthetic) == BINS and human.sum() > 0 and synthetic.sum() > 0
    card = tmp_path / "other.json"
    card.write_text(json.dumps({"bins": LAYOUT | {"bins": 50}, "human": [1] * 50, "synthetic": [1] * 50}))
    with pytest.raises(ValueError, match="binned"):
        load_reference(card)


def test_with_prior_moves_the_odds_to_the_sources_share():
    p = np.array([0.2, 0.5, 0.8, np.nan])
    assert np.allclose(with_prior(p[:3], 0.5), p[:3])  # the stacker's own prior: unchanged
    low, high = with_prior(p, 0.1), with_prior(p, 0.9)
    assert np.all(low[:3] < p[:3]) and np.all(high[:3] > p[:3]) and np.isnan(low[3])
    assert np.isclose(with_prior(np.array([0.5]), 0.2)[0], 0.2)  # no evidence: the prior itself
    assert np.isfinite(with_prior(np.array([0.5]), 0.0)).all()  # a share of 0 is clipped, not -inf
    assert np.allclose(with_prior(p[:3], np.array([0.1, 0.5, 0.9])), [low[0], p[1], high[2]])


def test_shrunk_priors_move_few_documents_to_the_corpus_share():
    assert shrunk(0.8, 10_000, 0.2) > 0.79
    assert shrunk(0.8, 10, 0.2) < 0.35
    assert shrunk(0.3, 0, 0.2) == 0.2
