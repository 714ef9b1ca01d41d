"""Evaluation of the whole decision on labeled data: detectors, gate, AI disclosures and thresholds.

``synthsieve eval --data dev.jsonl.gz`` scores every labeled text as ``pipeline.annotate.Annotator`` does and
reports detection metrics and the three-way confusion per data set, domain and attack. With ``--lodo`` every
trainable detector is retrained per left-out data set (the folds of ``training.lodo``) and the decision thresholds
are chosen on the out-of-fold predictions.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthsieve.config import Config
from synthsieve.detectors import registry
from synthsieve.detectors.decide import Evidence, combine, label
from synthsieve.detectors.gate import gate, word_counts
from synthsieve.detectors.metrics import auroc, expected_calibration_error, tpr_at_fpr
from synthsieve.detectors.registry import Detector
from synthsieve.detectors.style_training import train_style
from synthsieve.detectors.training import DEFAULT_PARAMS, HUMAN_PARTNERS, train_fasttext
from synthsieve.provenance.disclosure import disclosure_markers

GOLD = ("human", "synthetic", "mixed")
PREDICTED = ("human", "synthetic", "uncertain")
GROUPINGS = ("dataset", "domain", "attack")
IN_SAMPLE_NOTE = "in-sample: the committed models were trained on these texts, so the figures flatter them"
LODO_NOTE = "leave-one-dataset-out: every trainable detector scored only data sets it was not trained on"
# An attack is a short name (rewrite, gpt4_humanize); lorenz-wiki-news holds the generator's free-text answer there.
_ATTACK_NAME = re.compile(r"[\w.-]{1,40}")


def _train_fasttext_char(rows: list[dict], out_path: Path, seed: int) -> Path:
    """``training.train_fasttext`` with the committed recipe."""
    return train_fasttext(rows, out_path, DEFAULT_PARAMS, seed)


#: Detectors retrained per fold: versioned name -> (``train(rows, out_path, seed) -> model path``, model file name).
#: Other enabled detectors (rule-based ones such as ``markers_v1``) score every fold as they are.
TRAINERS: dict[str, tuple[Callable[[list[dict], Path, int], Path], str]] = {
    "fasttext_char_v1": (_train_fasttext_char, "fasttext_char_v1.ftz"),
    "style_v1": (train_style, "style_v1.json"),
}


@dataclass
class Predictions:
    """Labeled rows with their ``p_synthetic``, three-way label, gate outcome and hard evidence."""

    rows: list[dict]
    p: np.ndarray
    labels: np.ndarray
    judged: np.ndarray
    hard: np.ndarray

    def column(self, key: str) -> np.ndarray:
        """One field of every row (``label`` is the gold label)."""
        return np.array([row[key] for row in self.rows], dtype=object)

    def take(self, mask: np.ndarray) -> Predictions:
        """The rows where ``mask`` is true."""
        rows = [row for row, keep in zip(self.rows, mask) if keep]
        return Predictions(rows, self.p[mask], self.labels[mask], self.judged[mask], self.hard[mask])


@dataclass
class Scored:
    """Labeled rows and their combined evidence (``decide.combine``): labels follow for any thresholds."""

    rows: list[dict]
    evidence: Evidence

    def decide(self, synthetic: float, human: float) -> Predictions:
        """Labels the rows as ``decide.label`` does with global thresholds."""
        e = self.evidence
        labels = np.array(label(e, synthetic, human).labels, dtype=object)
        return Predictions(self.rows, e.p_synthetic, labels, e.judged, e.hard)


def score(rows: list[dict], detectors: list[Detector], config: Config) -> Scored:
    """Scores ``rows`` as ``Annotator`` does (truncation, gate, detectors, disclosures), up to the labels."""
    texts = [row["text"][: config.reader.max_text_chars] for row in rows]
    judged, gate_reasons = gate(texts, word_counts(texts), config.detectors.min_words)
    scores = {detector.name: detector.score(texts) for detector in detectors}
    disclosures = [disclosure_markers(text) for text in texts]
    return Scored(rows, combine(scores, judged, gate_reasons, disclosures, config.decision.marker_p))


def fold(rows: list[dict], dataset: str) -> tuple[list[dict], list[dict]]:
    """(train, test) rows of the fold leaving ``dataset`` out; a human-less set brings its partner's humans."""
    partner = HUMAN_PARTNERS.get(dataset, dataset)
    train = [row for row in rows if row["dataset"] not in (dataset, partner)]
    test = [r for r in rows if r["dataset"] == dataset or (r["dataset"] == partner and r["label"] == "human")]
    return train, test


def lodo_scores(rows: list[dict], config: Config, seed: int) -> dict[str, Scored]:
    """Per left-out data set, its test rows scored by detectors trained on its training rows."""
    enabled = config.detectors.enabled
    fixed = {name: registry.create(name) for name in enabled if name not in TRAINERS}
    scored = {}
    for dataset in sorted({row["dataset"] for row in rows}):
        train, test = fold(rows, dataset)
        with tempfile.TemporaryDirectory(prefix="synthsieve-eval-") as tmp:
            trained = {name: _fold_detector(name, train, Path(tmp), seed) for name in enabled if name in TRAINERS}
            scored[dataset] = score(test, [trained.get(name) or fixed[name] for name in enabled], config)
    return scored


def _fold_detector(name: str, rows: list[dict], folder: Path, seed: int) -> Detector:
    train, file_name = TRAINERS[name]
    return registry.create(name, model_path=str(train(rows, folder / file_name, seed)))


def pool(folds: dict[str, Predictions]) -> Predictions:
    """Every text once, as scored by the fold that left its own data set out (partner humans are dropped)."""
    parts = [pred.take(pred.column("dataset") == dataset) for dataset, pred in folds.items()]
    arrays = [np.concatenate([getattr(part, key) for part in parts]) for key in ("p", "labels", "judged", "hard")]
    return Predictions([row for part in parts for row in part.rows], *arrays)


def group_masks(pred: Predictions, key: str) -> dict[str, np.ndarray]:
    """Rows per value of ``key``, in sorted order; attacks that are free text form one group, ``(free text)``."""
    values = pred.column(key)
    if key == "attack":
        values = np.array([v if _ATTACK_NAME.fullmatch(v) else "(free text)" for v in values], dtype=object)
    return {value: values == value for value in sorted(set(values))}


def with_humans(pred: Predictions, mask: np.ndarray) -> np.ndarray:
    """A group's rows; a group without humans is joined by those of the data sets its texts come from."""
    gold, datasets = pred.column("label"), pred.column("dataset")
    if (gold[mask] == "human").any():
        return mask
    sources = {HUMAN_PARTNERS.get(dataset, dataset) for dataset in datasets[mask]}
    return mask | ((gold == "human") & np.array([dataset in sources for dataset in datasets], dtype=bool))


def metrics(pred: Predictions) -> dict:
    """Counts, separation from humans (synthetic and mixed apart) and the three-way confusion of one group."""
    gold = pred.column("label")
    return {
        **{f"n_{g}": int(np.sum(gold == g)) for g in GOLD},
        "humans_from": sorted(set(pred.column("dataset")[gold == "human"])),
        "n_not_judged": int(np.sum(~pred.judged)),
        "synthetic": _separation(gold, pred.p, "synthetic"),
        "mixed": _separation(gold, pred.p, "mixed"),
        **confusion(gold, pred.labels),
    }


def _separation(gold: np.ndarray, p: np.ndarray, positive: str) -> dict[str, float] | None:
    """AUROC, TPR at 1% / 5% FPR and ECE of ``positive`` texts against humans; None unless both are present."""
    keep = (gold == "human") | (gold == positive)
    y, s = gold[keep] == positive, p[keep]
    if y.all() or not y.any():
        return None
    tpr = {f"tpr@{fpr:.0%}fpr": tpr_at_fpr(y, s, fpr) for fpr in (0.01, 0.05)}
    return {"auroc": auroc(y, s), **tpr, "ece": expected_calibration_error(y, s)}


def confusion(gold: np.ndarray, labels: np.ndarray) -> dict:
    """Counts per gold x predicted label, ``fpr`` (share of humans labelled synthetic) and the shares per gold label.

    Returns:
        ``confusion``, ``fpr``, ``labelled_synthetic`` and ``labelled_human`` (gold label -> share, None if absent).
    """
    matrix = {g: {label: int(np.sum((gold == g) & (labels == label))) for label in PREDICTED} for g in GOLD}
    shares = {f"labelled_{label}": {g: _share(matrix[g], label) for g in GOLD} for label in ("synthetic", "human")}
    return {"confusion": matrix, "fpr": shares["labelled_synthetic"]["human"], **shares}


def _share(counts: dict[str, int], label: str) -> float | None:
    total = sum(counts.values())
    return counts[label] / total if total else None


def synthetic_threshold(p_human: np.ndarray, target_fpr: float) -> float | None:
    """The smallest threshold that at most ``target_fpr`` of the humans reach (``p >= t``).

    ``decide.label`` compares in float32, so the threshold is the next float32 above the highest score that must stay
    below it, in its shortest decimal form. None without scores, or when no threshold in [0, 1] is enough.
    """
    if len(p_human) == 0:
        return None
    allowed = int(np.floor(target_fpr * len(p_human) + 1e-9))
    if allowed >= len(p_human):
        return 0.0
    edge = np.sort(np.asarray(p_human, dtype=np.float32))[::-1][allowed]
    t = np.nextafter(edge, np.float32(np.inf))
    return _shortest(max(t, np.float32(0))) if t <= 1 else None


def human_threshold(p_synthetic: np.ndarray, target_fnr: float) -> float | None:
    """The largest threshold that at most ``target_fnr`` of the synthetic texts fall to (``p <= t``).

    Mirrors ``synthetic_threshold``: the next float32 below the lowest score that must stay above it.
    """
    if len(p_synthetic) == 0:
        return None
    allowed = int(np.floor(target_fnr * len(p_synthetic) + 1e-9))
    if allowed >= len(p_synthetic):
        return 1.0
    edge = np.sort(np.asarray(p_synthetic, dtype=np.float32))[allowed]
    t = np.nextafter(edge, np.float32(-np.inf))
    return _shortest(min(t, np.float32(1))) if t >= 0 else None


def _shortest(value: np.float32) -> float:
    # The shortest decimal that reads back as this float32: exact under float32 comparison, readable in YAML.
    return float(np.format_float_positional(value))


def _cuts(pred: Predictions, target_fpr: float, target_fnr: float) -> dict[str, float | None]:
    """Both thresholds for one set of predictions, counting what the label will be, not just ``p``.

    Hard evidence is synthetic and unjudged texts are uncertain whatever the thresholds: a human with hard evidence
    uses up the false-positive budget (score +inf) and an unjudged one never reaches it (score -inf).
    """
    gold = pred.column("label")
    open_ = pred.judged & ~pred.hard
    as_synthetic = np.where(pred.hard, np.inf, np.where(open_, pred.p, -np.inf))
    as_human = np.where(open_, pred.p, np.inf)
    return {
        "synthetic_threshold": synthetic_threshold(as_synthetic[gold == "human"], target_fpr),
        "human_threshold": human_threshold(as_human[gold == "synthetic"], target_fnr),
    }


def report(by_dataset: dict[str, Predictions], pooled: Predictions) -> dict:
    """Metrics per data set (given), per domain and per attack (from ``pooled``), and overall."""
    out = {"dataset": {dataset: metrics(pred) for dataset, pred in by_dataset.items()}}
    for key in ("domain", "attack"):
        masks = group_masks(pooled, key)
        out[key] = {value: metrics(pooled.take(with_humans(pooled, mask))) for value, mask in masks.items()}
    return {**out, "overall": metrics(pooled)}


def _header(config: Config, mode: str, n_rows: int) -> dict:
    d = config.decision
    return {
        "mode": mode,
        "note": LODO_NOTE if mode == "lodo" else IN_SAMPLE_NOTE,
        "n_rows": n_rows,
        "detectors": list(config.detectors.enabled),
        "min_words": config.detectors.min_words,
        "thresholds": {"synthetic": d.synthetic_threshold, "human": d.human_threshold, "marker_p": d.marker_p},
    }


def evaluate_in_sample(rows: list[dict], config: Config) -> dict:
    """Report of the configured detectors as committed; data sets without humans meet their partner's."""
    detectors = [registry.create(name) for name in config.detectors.enabled]
    d = config.decision
    pooled = score(rows, detectors, config).decide(d.synthetic_threshold, d.human_threshold)
    masks = group_masks(pooled, "dataset")
    by_dataset = {name: pooled.take(with_humans(pooled, mask)) for name, mask in masks.items()}
    return {**_header(config, "in-sample", len(rows)), **report(by_dataset, pooled)}


def evaluate_lodo(rows: list[dict], config: Config, seed: int, target_fpr: float, target_fnr: float) -> dict:
    """Leave-one-dataset-out report, with thresholds chosen on the out-of-fold predictions (``chosen``).

    Args:
        rows: labeled rows (``text``, ``label``, ``dataset``, ``domain``, ``attack``).
        config: detectors, gate and configured thresholds.
        seed: training seed of every fold.
        target_fpr: the largest share of out-of-fold humans to be labelled synthetic.
        target_fnr: the largest share of out-of-fold synthetic texts to be labelled human.
    """
    scored = lodo_scores(rows, config, seed)
    d = config.decision
    folds = {dataset: s.decide(d.synthetic_threshold, d.human_threshold) for dataset, s in scored.items()}
    retrained = [name for name in config.detectors.enabled if name in TRAINERS]
    head = _header(config, "lodo", len(rows)) | {"seed": seed, "retrained_per_fold": retrained}
    return {**head, **report(folds, pool(folds)), "chosen": choose(scored, folds, target_fpr, target_fnr)}


def choose(scored: dict[str, Scored], folds: dict[str, Predictions], target_fpr: float, target_fnr: float) -> dict:
    """Thresholds from the pooled out-of-fold predictions, each data set's own, and the labels they give.

    Args:
        scored: per left-out data set, its fold's scored test rows.
        folds: the same, labelled at any thresholds (``p_synthetic`` does not depend on them).
        target_fpr: see ``evaluate_lodo``.
        target_fnr: see ``evaluate_lodo``.
    """
    chosen = {"target_fpr": target_fpr, "target_fnr": target_fnr, **_cuts(pool(folds), target_fpr, target_fnr)}
    per_dataset = {dataset: _cuts(pred, target_fpr, target_fnr) for dataset, pred in folds.items()}
    synthetic, human = chosen["synthetic_threshold"], chosen["human_threshold"]
    if synthetic is None or human is None:
        return {**chosen, "note": "no threshold in [0, 1] meets a target", "per_dataset": per_dataset}
    decided = {dataset: s.decide(synthetic, human) for dataset, s in scored.items()}
    for dataset, pred in decided.items():
        per_dataset[dataset] |= confusion(pred.column("label"), pred.labels)
    overall = pool(decided)
    note = "" if human < synthetic else "human_threshold >= synthetic_threshold: config validation rejects the pair"
    return {**chosen, "note": note, **confusion(overall.column("label"), overall.labels), "per_dataset": per_dataset}


_COLUMNS = ("n_hum", "n_syn", "n_mix", "AUROC", "TPR@1%", "TPR@5%", "ECE", "mixAUROC")
_RATES = ("hum>syn", "syn>syn", "syn>hum", "mix>syn", "unjudged")


def format_report(result: dict) -> str:
    """A plain-text table per data set, domain and attack (then overall), and the chosen thresholds if any."""
    t = result["thresholds"]
    lines = [
        result["note"],
        f"detectors {', '.join(result['detectors'])}; min_words {result['min_words']}; "
        f"synthetic if p >= {t['synthetic']}, human if p <= {t['human']} (global thresholds, no per-source "
        "calibration); rates at these thresholds",
    ]
    for key in GROUPINGS:
        lines += ["", _line(f"by {key}", (*_COLUMNS, *_RATES))]
        lines += [_group_line(name, m) for name, m in result[key].items()]
    lines.append(_group_line("overall", result["overall"]))
    return "\n".join(lines + (_chosen_lines(result["chosen"]) if "chosen" in result else []))


def _group_line(name: str, m: dict) -> str:
    synthetic, mixed = m["synthetic"] or {}, m["mixed"] or {}
    cells = [m["n_human"], m["n_synthetic"], m["n_mixed"]]
    cells += [synthetic.get(k) for k in ("auroc", "tpr@1%fpr", "tpr@5%fpr", "ece")] + [mixed.get("auroc")]
    return _line(name, [*cells, *_rates(m), m["n_not_judged"]])


def _rates(m: dict) -> list[float | None]:
    """Shares of humans, synthetic and mixed texts labelled synthetic, and of synthetic texts labelled human."""
    as_synthetic = m["labelled_synthetic"]
    return [as_synthetic["human"], as_synthetic["synthetic"], m["labelled_human"]["synthetic"], as_synthetic["mixed"]]


def _line(name: str, cells) -> str:
    return f"{name[:28]:<28}" + "".join(f"{_cell(c):>10}" for c in cells)


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _chosen_lines(chosen: dict) -> list[str]:
    lines = [
        "",
        f"thresholds chosen on the out-of-fold predictions: at most {chosen['target_fpr']:.1%} of humans labelled "
        f"synthetic, at most {chosen['target_fnr']:.1%} of synthetic texts labelled human",
        f"  synthetic_threshold {chosen['synthetic_threshold']}  human_threshold {chosen['human_threshold']}  "
        + chosen["note"],
    ]
    if "confusion" not in chosen:
        return lines
    lines += ["", _line("at the chosen thresholds", ("own syn_t", "own hum_t", *_RATES[:4]))]
    for dataset, d in chosen["per_dataset"].items():
        own = [f"{d[key]:.6f}" if d[key] is not None else None for key in ("synthetic_threshold", "human_threshold")]
        lines.append(_line(dataset, [*own, *_rates(d)]))
    lines += ["", _line("gold \\ label (pooled)", PREDICTED)]
    return lines + [_line(gold, counts.values()) for gold, counts in chosen["confusion"].items()]
