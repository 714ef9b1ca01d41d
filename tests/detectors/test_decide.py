import numpy as np
import pytest

from synthsieve.detectors.decide import Thresholds, decide

T = Thresholds(synthetic=0.9, human=0.5, marker_p=0.99)


def _decide(p, judged=None, disclosures=None, strong=None):
    n = len(p)
    judged = np.ones(n, bool) if judged is None else np.array(judged)
    scores = {"ft": {"p": np.array(p, np.float32)}, "mk": {"strong": np.array(strong or [0] * n, np.float32)}}
    reasons = [None if j else "not_scored:too_short" for j in judged]
    return decide(scores, judged, reasons, disclosures or [[]] * n, T)


def test_thresholds_split_three_ways():
    d = _decide([0.1, 0.5, 0.7, 0.9, 0.95])
    assert d.labels == ["human", "human", "uncertain", "synthetic", "synthetic"]
    assert d.reasons[0] == ["ft:p=0.10", "p_synthetic=0.10<=0.50"]
    assert d.reasons[2][-1] == "p_synthetic=0.70 between thresholds"


def test_hard_evidence_lifts_p_and_decides_even_unjudged_texts():
    d = _decide([0.2, 0.2, 0.2], judged=[True, False, False], disclosures=[["phrase:x"], [], []], strong=[0, 1, 0])
    assert d.labels == ["synthetic", "synthetic", "uncertain"]
    assert np.allclose(d.p_synthetic, [0.99, 0.99, 0.5])
    assert d.reasons[0][0] == "disclosure:phrase:x"
    assert "not_scored:too_short" in d.reasons[2]


def test_near_duplicate_signals_raise_p_and_say_why():
    from synthsieve.detectors.decide import Evidence, with_near_duplicates

    evidence = Evidence(
        np.array([0.2, 0.2, 0.2, 0.5], np.float32), np.array([True, True, True, False]), np.zeros(4, bool), []
    )
    count, domains = np.array([1, 3, 7, 7]), np.array([1, 1, 5, 5])
    known = np.array([False, False, False, True])
    raised, reasons = with_near_duplicates(evidence, count, domains, known, 5, np.log(4.0), 0.99)
    assert raised.p_synthetic[:2].tolist() == pytest.approx([0.2, 0.2])
    assert raised.p_synthetic[2] == pytest.approx(0.5)  # odds 1:4, times 4
    assert raised.p_synthetic[3] == pytest.approx(0.99) and raised.hard.tolist() == [False, False, False, True]
    assert reasons == [
        [],
        ["near_dup:count=3"],
        ["near_dup:count=7", "near_dup_farm:domains=5"],
        ["near_dup:count=7", "near_dup_farm:domains=5", "near_dup_of_known_synthetic"],
    ]
