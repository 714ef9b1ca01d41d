import numpy as np
import pytest

from synthsieve.detectors.decide import Evidence, label


def _label(p, judged=None, hard=None, synthetic=0.9, human=0.5):
    n = len(p)
    judged = np.ones(n, bool) if judged is None else np.array(judged)
    hard = np.zeros(n, bool) if hard is None else np.array(hard)
    return label(Evidence(np.array(p, np.float32), judged, hard, []), synthetic, human)


def test_thresholds_split_three_ways():
    d = _label([0.1, 0.5, 0.7, 0.9, 0.95])
    assert d.labels == ["human", "human", "uncertain", "synthetic", "synthetic"]
    assert d.reasons[0] == ["p_synthetic=0.10<=0.50"]
    assert d.reasons[2] == ["p_synthetic=0.70 between thresholds"]


def test_hard_evidence_decides_even_unjudged_texts_and_unjudged_ones_wait_for_review():
    d = _label([0.99, 0.99, np.nan], judged=[True, False, False], hard=[True, True, False])
    assert d.labels == ["synthetic", "synthetic", "uncertain"]
    assert d.reasons[1] == ["hard_evidence:p_synthetic=0.99"] and d.reasons[2] == ["held_for_review"]
    assert np.isnan(d.p_synthetic[2])  # not scored: no probability is made up for it


def test_an_unjudged_text_is_uncertain_whatever_its_p_and_the_thresholds():
    d = _label([0.0, 1.0, np.nan], judged=[False] * 3, synthetic=0.0, human=1.0)
    assert d.labels == ["uncertain"] * 3 and d.reasons == [["held_for_review"]] * 3


def test_per_document_thresholds_compare_in_float32():
    d = _label([0.9, 0.9], synthetic=np.array([0.9, 0.95]), human=np.array([0.1, 0.1]))
    assert d.labels == ["synthetic", "uncertain"]


def test_near_duplicate_signals_raise_p_and_say_why():
    from synthsieve.detectors.decide import Evidence, with_near_duplicates

    evidence = Evidence(
        np.array([0.2, 0.2, 0.2, np.nan], np.float32), np.array([True, True, True, False]), np.zeros(4, bool), []
    )
    count, domains = np.array([1, 3, 7, 7]), np.array([1, 1, 5, 5])
    known = np.array([False, False, False, True])
    raised, reasons = with_near_duplicates(evidence, count, domains, known, 5, np.log(4.0), 0.99)
    assert raised.p_synthetic[:2].tolist() == pytest.approx([0.2, 0.2])
    assert raised.p_synthetic[2] == pytest.approx(0.5)  # odds 1:4, times 4
    # not scored, but a copy of known-synthetic text: hard evidence sets its p
    assert raised.p_synthetic[3] == pytest.approx(0.99) and raised.hard.tolist() == [False, False, False, True]
    assert reasons == [
        [],
        ["near_dup:count=3"],
        ["near_dup:count=7", "near_dup_farm:domains=5"],
        ["near_dup:count=7", "near_dup_farm:domains=5", "near_dup_of_known_synthetic"],
    ]


def test_a_content_farm_copy_that_no_detector_scored_stays_unscored_and_uncertain():
    from synthsieve.detectors.decide import with_near_duplicates

    evidence = Evidence(np.array([np.nan], np.float32), np.array([False]), np.array([False]), [])
    raised, reasons = with_near_duplicates(evidence, np.array([9]), np.array([9]), np.array([False]), 5, 2.0, 0.99)
    assert np.isnan(raised.p_synthetic[0]) and not raised.hard[0]
    assert reasons == [["near_dup:count=9", "near_dup_farm:domains=9"]]
    assert label(raised, 0.9, 0.5).labels == ["uncertain"]
