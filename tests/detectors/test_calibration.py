from collections import Counter

import numpy as np

from synthsieve.detectors.calibration import BINS, SourceThreshold, bin_of, calibrate, lookup, source_key, threshold


def _hist(scores):
    return Counter(bin_of(p) for p in scores)


def test_source_is_domain_else_group_field_else_global():
    assert source_key("bbc.co.uk", {"source": "x"}, "source") == "bbc.co.uk"
    assert source_key(None, {"source": "c4"}, "source") == "source=c4"
    assert source_key(None, {"other": "y"}, "source") == "global"


def test_threshold_lets_at_most_the_target_share_of_known_humans_through():
    scores = [i / 100 for i in range(100)]  # 0.00 .. 0.99
    t = threshold(_hist(scores), target_fpr=0.05)
    assert np.isclose(t, (bin_of(0.94) + 1) / BINS)  # the edge just above 0.94: 0.95..0.99 pass, five of 100
    assert sum(p >= t for p in scores) == 5
    assert np.isclose(threshold(_hist(scores), target_fpr=0.0), (bin_of(0.99) + 1) / BINS)
    assert bin_of(1.0) == BINS - 1


def test_calibrate_needs_enough_known_humans_and_keeps_human_below_synthetic():
    hist = _hist([0.1] * 150 + [0.2] * 50)
    assert calibrate("a.com", hist, 0.01, min_known_human=201, default_human=0.5) is None
    cal = calibrate("a.com", hist, 0.01, min_known_human=200, default_human=0.5)
    edge = (bin_of(0.2) + 1) / BINS  # 2 of 200 may pass: the fifty at 0.2 may not
    assert cal == SourceThreshold("a.com", 200, edge, edge)


def test_lookup_gives_each_document_its_source_thresholds_and_a_reason():
    cal = {"a.com": SourceThreshold("a.com", 300, 0.7, 0.4)}
    syn, hum, why = lookup(["a.com", "b.com"], cal, synthetic=0.9, human=0.5)
    assert syn.tolist() == [0.7, 0.9] and hum.tolist() == [0.4, 0.5]
    assert why == ["calibration:a.com:n=300", "calibration:global"]
