import json
import random

import numpy as np
import pytest
from click.testing import CliRunner

from synthsieve.cli import main
from synthsieve.detectors import evaluation, training
from synthsieve.detectors.decide import Evidence

from builders import toy_sentence

SMALL = {"dim": 8, "bucket": 20_000, "epoch": 5, "wordNgrams": 2}


def _text(rng: random.Random, synthetic: bool) -> str:
    sentences = []
    while len(" ".join(sentences).split()) < 60:
        sentences.append(toy_sentence(rng, synthetic))
    return " ".join(sentences)


def _labeled_rows(per_label: int = 12) -> list[dict]:
    """Three toy data sets: outfox and blogs with humans, argugpt without (paired with outfox's humans)."""
    rng = random.Random(0)
    plan = [("outfox", "human"), ("outfox", "synthetic"), ("argugpt", "synthetic")]
    plan += [("blogs", "human"), ("blogs", "synthetic"), ("blogs", "mixed")]
    rows = []
    for dataset, label in plan:
        for i in range(per_label):
            attack = (
                "none" if label == "human" else "Yes, this text was generated." if dataset == "blogs" else "rewrite"
            )
            domain = {"outfox": "essay", "argugpt": "argument", "blogs": "blog"}[dataset]
            text = _text(rng, label != "human")
            rows.append({"id": f"{dataset}-{label}-{i}", "text": text, "label": label, "dataset": dataset,
                         "domain": domain, "attack": attack})  # fmt: skip
    return rows


def _scored(rows: list[dict], p: list[float], judged=None, hard=None) -> evaluation.Scored:
    n = len(rows)
    judged = np.ones(n, bool) if judged is None else np.array(judged)
    hard = np.zeros(n, bool) if hard is None else np.array(hard)
    return evaluation.Scored(rows, Evidence(np.array(p, np.float32), judged, hard, [[] for _ in rows]))


def _rows(labels: list[str], dataset: str = "d") -> list[dict]:
    return [{"label": label, "dataset": dataset, "domain": "x", "attack": "none"} for label in labels]


def test_metrics_and_confusion_by_hand():
    # Dyadic scores: exact in float32, so every ECE bin is known.
    humans, synthetic, mixed = [0.125, 0.25, 0.375, 0.8125], [0.4375, 0.6875, 0.875, 0.9375], [0.5, 0.90625]
    rows = _rows(["human"] * 4 + ["synthetic"] * 4 + ["mixed"] * 2)
    m = evaluation.metrics(_scored(rows, humans + synthetic + mixed).decide(0.8, 0.3))
    assert (m["n_human"], m["n_synthetic"], m["n_mixed"], m["n_not_judged"]) == (4, 4, 2, 0)
    # 14 of the 16 (synthetic, human) pairs are ordered right; only 0.875 and 0.9375 lie above the top human.
    assert m["synthetic"] == {"auroc": 0.875, "tpr@1%fpr": 0.5, "tpr@5%fpr": 0.5, "ece": 2.375 / 8}
    assert m["mixed"]["auroc"] == 7 / 8
    assert m["confusion"] == {
        "human": {"human": 2, "synthetic": 1, "uncertain": 1},
        "synthetic": {"human": 0, "synthetic": 2, "uncertain": 2},
        "mixed": {"human": 0, "synthetic": 1, "uncertain": 1},
    }
    assert m["fpr"] == 0.25 and m["labelled_synthetic"]["synthetic"] == 0.5 and m["labelled_human"]["synthetic"] == 0


def test_hard_evidence_and_gate_override_thresholds():
    pred = _scored(_rows(["human", "human"]), [0.2, 0.95], judged=[False, False], hard=[True, False]).decide(0.9, 0.5)
    assert pred.labels.tolist() == ["synthetic", "uncertain"]
    assert evaluation.metrics(pred)["n_not_judged"] == 2


def test_synthetic_threshold_is_the_smallest_within_the_fpr():
    humans = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95], np.float32)
    t = evaluation.synthetic_threshold(humans, 0.1)  # one human of ten may reach it
    assert np.sum(humans >= np.float32(t)) == 1 and np.sum(humans >= np.nextafter(np.float32(t), 0)) == 2
    assert 0.9 < t < 0.9001
    assert 0.95 < evaluation.synthetic_threshold(humans, 0.0) < 0.9501
    assert evaluation.synthetic_threshold(humans, 1.0) == 0.0
    assert evaluation.synthetic_threshold(np.array([0.3, 1.0], np.float32), 0.0) is None
    assert evaluation.synthetic_threshold(np.array([], np.float32), 0.01) is None


def test_human_threshold_is_the_largest_within_the_fnr():
    synthetic = np.array([0.2, 0.6, 0.7, 0.8, 0.9], np.float32)
    t = evaluation.human_threshold(synthetic, 0.2)
    assert np.sum(synthetic <= np.float32(t)) == 1 and np.sum(synthetic <= np.nextafter(np.float32(t), 1)) == 2
    assert evaluation.human_threshold(synthetic, 1.0) == 1.0
    assert evaluation.human_threshold(np.array([0.0, 0.5], np.float32), 0.0) is None


def test_chosen_thresholds_count_labels_out_of_fold():
    # Fold "argugpt" carries outfox humans (scored by its own model): pooling keeps each text once, from its own fold.
    argugpt = _scored(_rows(["synthetic"] * 4, "argugpt") + _rows(["human"] * 2, "outfox"), [0.9] * 4 + [0.99, 0.99])
    humans = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.5]
    judged, hard = [True] * 9 + [False], [False] * 8 + [True, False]
    outfox = _scored(_rows(["human"] * 10 + ["synthetic"] * 5, "outfox"), humans + [0.3, 0.75, 0.8, 0.95, 0.97],
                     judged + [True] * 5, hard + [False] * 5)  # fmt: skip
    scored = {"argugpt": argugpt, "outfox": outfox}
    folds = {name: s.decide(0.9, 0.5) for name, s in scored.items()}
    chosen = evaluation.choose(scored, folds, target_fpr=0.1, target_fnr=0.25)
    # One human of ten may be labelled synthetic, and the hard-evidence one (0.85) already is: the threshold
    # clears the highest open human, 0.8; the unjudged one (0.5) stays uncertain whatever the threshold.
    assert 0.8 < chosen["synthetic_threshold"] < 0.8001
    # Two of nine synthetic texts may be labelled human: just below the third lowest, 0.8.
    assert 0.7999 < chosen["human_threshold"] < 0.8
    assert chosen["confusion"]["human"] == {"human": 7, "synthetic": 1, "uncertain": 2}
    assert chosen["fpr"] == 0.1 and chosen["labelled_human"]["synthetic"] == 2 / 9
    # argugpt's own threshold is set on the outfox humans of its fold.
    assert chosen["per_dataset"]["argugpt"]["synthetic_threshold"] > 0.99 and chosen["note"] == ""


@pytest.fixture
def labeled(write_jsonl):
    return write_jsonl(_labeled_rows(), "labeled.jsonl.gz")


def test_eval_in_sample_cli(labeled, tmp_path):
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["eval", "--data", str(labeled), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("in-sample")
    assert result.output.index("\nargugpt ") < result.output.index("\nby domain") < result.output.index("\nby attack")
    report = json.loads(out.read_text())
    assert report["mode"] == "in-sample" and "chosen" not in report
    assert list(report["dataset"]) == ["argugpt", "blogs", "outfox"]
    argugpt = report["dataset"]["argugpt"]
    assert (argugpt["n_human"], argugpt["n_synthetic"], argugpt["humans_from"]) == (12, 12, ["outfox"])
    assert report["domain"]["argument"]["humans_from"] == ["outfox"]
    assert sorted(report["attack"]) == ["(free text)", "none", "rewrite"]
    assert report["overall"]["n_mixed"] == 12 and report["overall"]["mixed"]["auroc"] is not None
    second = tmp_path / "again.json"
    CliRunner().invoke(main, ["eval", "--data", str(labeled), "--out", str(second)])
    assert second.read_text() == out.read_text()


def test_eval_lodo_cli(labeled, tmp_path, monkeypatch):
    def small(rows, out_path, seed):
        return training.train_fasttext(rows, out_path, SMALL, seed)

    monkeypatch.setitem(evaluation.TRAINERS, "fasttext_char_v1", (small, "fasttext_char_v1.ftz"))
    out = tmp_path / "report.json"
    args = ["eval", "--data", str(labeled), "--lodo", "--target-fpr", "0.1", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("leave-one-dataset-out") and "thresholds chosen" in result.output
    report = json.loads(out.read_text())
    assert report["retrained_per_fold"] == ["fasttext_char_v1", "style_v1"]
    assert report["dataset"]["argugpt"]["humans_from"] == ["outfox"]
    assert report["overall"]["n_human"] == 24  # the pooled predictions hold outfox's humans once
    chosen = report["chosen"]
    assert chosen["fpr"] <= 0.1 and chosen["labelled_human"]["synthetic"] <= 0.05
    assert sorted(chosen["per_dataset"]) == ["argugpt", "blogs", "outfox"]
