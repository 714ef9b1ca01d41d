import numpy as np
import pytest

from synthsieve_training.evaluation import (
    Predictions,
    confusion,
    human_threshold,
    labelled,
    metrics,
    synthetic_threshold,
    thresholds,
)


def _pred(gold, p, judged=None, hard=None):
    n = len(gold)
    judged = np.ones(n, bool) if judged is None else np.array(judged)
    hard = np.zeros(n, bool) if hard is None else np.array(hard)
    fields = {"label": np.array(gold, dtype=object), "dataset": np.array(["d"] * n, dtype=object)}
    return Predictions(fields, np.array(p, np.float32), np.array(["uncertain"] * n, dtype=object), judged, hard)


def test_synthetic_threshold_lets_at_most_the_target_share_of_humans_through():
    p_human = np.linspace(0.0, 0.99, 100, dtype=np.float32)
    t = synthetic_threshold(p_human, 0.01)
    assert np.sum(p_human >= np.float32(t)) == 1 and np.sum(p_human >= np.float32(0.98)) == 2
    assert synthetic_threshold(np.array([], np.float32), 0.01) is None


def test_human_threshold_mirrors_it():
    p_synthetic = np.linspace(0.01, 1.0, 100, dtype=np.float32)
    t = human_threshold(p_synthetic, 0.05)
    assert np.sum(p_synthetic <= np.float32(t)) == 5


def test_thresholds_count_hard_evidence_and_unjudged_texts_as_their_labels_will_be():
    pred = _pred(["human"] * 3 + ["synthetic"] * 2, [0.1, 0.2, 0.5, 0.9, 0.5], hard=[False, False, True, False, False])
    chosen = thresholds(pred, 0.34, 0.0)  # one human may be labelled synthetic: the hard one already is
    assert chosen["synthetic_threshold"] == pytest.approx(0.2, abs=1e-6)
    assert chosen["human_threshold"] < 0.5


def test_confusion_and_metrics_keep_mixed_apart():
    pred = labelled(_pred(["human", "human", "synthetic", "mixed"], [0.1, 0.6, 0.95, 0.97]), 0.9, 0.3)
    assert pred.labels.tolist() == ["human", "uncertain", "synthetic", "synthetic"]
    m = metrics(pred)
    assert m["n_mixed"] == 1 and m["synthetic"]["auroc"] == 1.0 and m["mixed"]["auroc"] == 1.0
    assert m["confusion"]["mixed"]["synthetic"] == 1 and m["fpr"] == 0.0 and m["uncertain_share"] == 0.25
    c = confusion(np.array(["human", "synthetic"]), np.array(["synthetic", "uncertain"]))
    assert c["fpr"] == 1.0 and c["labelled_uncertain"]["synthetic"] == 1.0 and c["labelled_human"]["mixed"] is None


def test_separable_classes_leave_no_uncertain_zone():
    chosen = thresholds(_pred(["human", "human", "synthetic", "synthetic"], [0.1, 0.2, 0.8, 0.9]), 0.0, 0.0)
    syn, hum = np.float32(chosen["synthetic_threshold"]), np.float32(chosen["human_threshold"])
    assert hum < syn and np.nextafter(hum, np.float32(1)) == syn
    assert labelled(_pred(["human", "synthetic"], [0.2, 0.8]), syn, hum).labels.tolist() == ["human", "synthetic"]
