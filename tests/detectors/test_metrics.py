import numpy as np
import pytest

from synthsieve.detectors.metrics import auroc, expected_calibration_error, tpr_at_fpr


@pytest.mark.parametrize(
    ("y", "s", "expected"),
    [
        ([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], 1.0),
        ([0, 0, 1, 1], [0.4, 0.3, 0.2, 0.1], 0.0),
        ([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], 0.5),
        # Positives .9, .5, .8 against negatives .5, .1, .3: 3 + (2 + one tie) + 3 = 8.5 of 9 pairs.
        ([1, 1, 0, 0, 1, 0], [0.9, 0.5, 0.5, 0.1, 0.8, 0.3], 8.5 / 9),
    ],
)
def test_auroc_hand_computed(y, s, expected):
    assert auroc(np.array(y), np.array(s)) == pytest.approx(expected)


def test_auroc_matches_pair_counting_with_ties():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.normal(size=300) + y, 1)
    pos, neg = s[y == 1][:, None], s[y == 0][None, :]
    expected = ((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size)
    assert auroc(y, s) == pytest.approx(expected)


def test_auroc_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        auroc(np.array([1, 1]), np.array([0.2, 0.3]))


@pytest.mark.parametrize(("fpr", "expected"), [(0.0, 0.25), (0.1, 0.5), (0.25, 0.5), (1.0, 1.0)])
def test_tpr_at_fpr_hand_computed(fpr, expected):
    neg = np.arange(10) / 10  # 0.0 .. 0.9
    pos = np.array([0.95, 0.85, 0.5, 0.05])
    y = np.r_[np.zeros(10), np.ones(4)]
    assert tpr_at_fpr(y, np.r_[neg, pos], fpr) == pytest.approx(expected)


def test_tpr_at_fpr_ties_with_negatives_do_not_count():
    assert tpr_at_fpr(np.array([0, 0, 1]), np.array([0.5, 0.5, 0.5]), 0.0) == 0.0


def test_expected_calibration_error_hand_computed():
    y = np.array([0, 1, 1, 0])
    p = np.array([0.1, 0.9, 0.8, 0.3])
    # One text per bin: (0.1 + 0.1 + 0.2 + 0.3) / 4.
    assert expected_calibration_error(y, p) == pytest.approx(0.175)
    # One bin: |2 positives - 2.1 predicted| / 4.
    assert expected_calibration_error(y, p, bins=1) == pytest.approx(0.025)


def test_expected_calibration_error_edges():
    assert expected_calibration_error(np.array([0, 1]), np.array([0.5, 0.5])) == 0.0
    assert expected_calibration_error(np.array([1]), np.array([1.0])) == 0.0
