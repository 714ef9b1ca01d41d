"""Leave-one-out evaluation of the first stage through the pipeline's own scoring path (``FirstStage``).

Every fold retrains the trainable detectors on its training rows and scores its test rows with ``FirstStage.detect``
exactly as the pipeline does (truncation, language identification, gate, detectors). The stacker of a fold is
fitted on the out-of-fold scores of the other data sets, so no fold is combined by weights that saw it. Thresholds
are chosen on the pooled out-of-fold predictions of the data-set folds; a language is declared where its pooled
out-of-fold AUROC reaches ``LANGUAGE_MIN_AUROC`` and it is measured on two or more data sets.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthsieve.config import Config
from synthsieve.detectors.gate import word_counts
from synthsieve.detectors.metrics import auroc
from synthsieve.detectors.scoring import Detected, FirstStage
from synthsieve.detectors.stacker import Stacker, logit
from synthsieve.provenance.disclosure import disclosure_markers
from synthsieve.provenance.language import detect_languages
from synthsieve_training.data import Columns, Fold
from synthsieve_training.evaluation import Predictions
from synthsieve_training.fasttext_train import train_fasttext
from synthsieve_training.linear import balanced_weights, fit_logistic
from synthsieve_training.report import build_report
from synthsieve_training.style_train import train_style

#: Trainable detectors: versioned name -> ``train(rows, name, out_path, seed, languages, thread)``, model file.
TRAINERS: dict[str, tuple[Callable[..., Path], str]] = {
    "fasttext_distort_v2": (train_fasttext, "fasttext_distort_v2.ftz"),
    "fasttext_words_v1": (train_fasttext, "fasttext_words_v1.ftz"),
    "fasttext_chars_v1": (train_fasttext, "fasttext_chars_v1.ftz"),
    "style_v2": (
        lambda rows, name, out, seed, languages, thread: train_style(rows, out, seed, languages),
        "style_v2.json",
    ),
}
STACKER_L2 = 0.01
LANGUAGE_MIN_AUROC = 0.75  # pooled out-of-fold AUROC a language needs to be declared (the worst-fold bar)
LANGUAGE_MIN_DATASETS = 2  # ... on at least this many data sets with humans and synthetic texts of it
LANGUAGE_MIN_TEXTS = 50  # ... each with at least this many texts of either class


@dataclass
class Corpus:
    """Labelled rows as the pipeline sees them: texts cut as the reader cuts them, detected languages, word
    counts and AI disclosures, and the gold fields as arrays (``Columns``)."""

    rows: list[dict]
    cols: Columns
    texts: list[str]
    langs: list[str]
    n_words: np.ndarray
    disclosures: list[list[str]]

    @staticmethod
    def of(rows: list[dict], config: Config) -> Corpus:
        """Prepares ``rows`` as ``Annotator`` prepares documents."""
        texts = [row["text"][: config.reader.max_text_chars] for row in rows]
        langs = detect_languages(texts)[0]
        return Corpus(rows, Columns(rows), texts, langs, word_counts(texts), [disclosure_markers(t) for t in texts])

    def fields(self, index: np.ndarray) -> dict[str, np.ndarray]:
        """Gold fields of the rows at ``index``, with ``detected_lang`` (what the pipeline identified)."""
        keys = ("dataset", "label", "lang", "domain", "attack", "generator", "family", "group")
        out = {key: getattr(self.cols, key)[index] for key in keys}
        return out | {"detected_lang": np.array(self.langs, dtype=object)[index]}


@dataclass
class FoldScores:
    """One fold's test rows (indices into the corpus) and what its retrained first stage detected in them."""

    fold: Fold
    first_stage: FirstStage
    detected: Detected


def score_folds(corpus: Corpus, folds: Sequence[Fold], config: Config, seed: int, thread: int) -> list[FoldScores]:
    """Retrains the configured trainable detectors per fold and runs ``FirstStage.detect`` on its test rows."""
    names = config.detectors.enabled
    out = []
    for fold in folds:
        started = time.perf_counter()
        train = [corpus.rows[i] for i in fold.train]
        with tempfile.TemporaryDirectory(prefix="synthsieve-lodo-") as tmp:
            paths = {}
            for name in names:
                if name in TRAINERS:
                    trainer, file_name = TRAINERS[name]
                    paths[name] = str(trainer(train, name, Path(tmp) / file_name, seed, None, thread))
            probabilistic = [name for name in names if name in TRAINERS]
            stage = FirstStage.load(
                names, config.detectors.min_words, config.decision.marker_p, paths, Stacker.mean_logit(probabilistic)
            )
            index = fold.test
            detected = stage.detect(
                [corpus.texts[i] for i in index], [corpus.langs[i] for i in index], corpus.n_words[index]
            )
        out.append(FoldScores(fold, stage, detected))
        seconds = time.perf_counter() - started
        print(
            f"{fold.kind} fold {fold.name}: {len(fold.train)} train, {len(fold.test)} test, {seconds:.0f} s",
            file=sys.stderr,
        )
    return out


def own_rows(scores: FoldScores, corpus: Corpus) -> np.ndarray:
    """Mask of a data-set fold's test rows that belong to its own data set (not a partner's humans)."""
    return corpus.cols.dataset[scores.fold.test] == scores.fold.name


def logits(scores: FoldScores) -> np.ndarray:
    """The fold's probability detectors' log-odds per test row (NaN rows were not judged), detectors by name."""
    names = sorted(d.name for d in scores.first_stage.probabilistic)
    return (
        np.stack([logit(scores.detected.scored[n].columns["p"]) for n in names], axis=1)
        if names
        else np.zeros((len(scores.fold.test), 0))
    )


def fit_stacker(X: np.ndarray, y: np.ndarray, groups: np.ndarray, names: list[str], languages=None) -> Stacker:
    """A stacker fitted on detectors' log-odds ``X`` (columns ``names``), 0/1 targets and each row's data set: one
    weight shared by every detector (on the sum of their log-odds) and a bias.

    Weights fitted per detector on the other data sets carry those sets' trade-offs to an unseen one: with the
    character model, leave-one-data-set-out mean AUROC 0.825 against 0.850 shared (docs/DETECTION.md).
    """
    beta = fit_logistic(X.sum(axis=1, keepdims=True), y, balanced_weights(groups, y), STACKER_L2)
    return Stacker(dict.fromkeys(names, float(beta[1])), float(beta[0]), languages)


def pooled_logits(dataset_scores: list[FoldScores], corpus: Corpus) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold log-odds of every judged row of the data-set folds (each from its own fold), and row indices."""
    X, index = [], []
    for s in dataset_scores:
        own = own_rows(s, corpus) & s.detected.judged
        X.append(logits(s)[own])
        index.append(s.fold.test[own])
    return np.concatenate(X), np.concatenate(index)


def stacker_without(X: np.ndarray, index: np.ndarray, corpus: Corpus, fold: Fold, names: list[str]) -> Stacker:
    """The stacker fitted on the pooled out-of-fold rows without what a fold holds out: every row of a data-set
    fold's data sets, or a family fold's test rows and every machine text of its family."""
    if fold.kind == "dataset":
        held = np.isin(corpus.cols.dataset[index], list(set(corpus.cols.dataset[fold.test])))
    else:
        family, gold = corpus.cols.family[index], corpus.cols.label[index]
        held = np.isin(index, fold.test) | ((family == fold.name) & (gold != "human"))
    y = (corpus.cols.label[index] != "human").astype(float)
    return fit_stacker(X[~held], y[~held], corpus.cols.dataset[index][~held], names)


def predictions(scores: FoldScores, stacker: Stacker, corpus: Corpus, mask: np.ndarray | None = None) -> Predictions:
    """The fold's test rows (``mask`` of them) combined by ``stacker``, labelled later (``evaluation.labelled``)."""
    stage = scores.first_stage.with_stacker(stacker)
    index = scores.fold.test
    evidence = stage.evidence(scores.detected, [corpus.disclosures[i] for i in index]).evidence
    keep = np.ones(len(index), bool) if mask is None else mask
    labels = np.full(keep.sum(), "uncertain", dtype=object)
    return Predictions(
        corpus.fields(index[keep]), evidence.p_synthetic[keep], labels, evidence.judged[keep], evidence.hard[keep]
    )


def detector_aurocs(scores: FoldScores, corpus: Corpus) -> dict[str, float | None]:
    """Each probability detector's own AUROC (human against synthetic) on a fold's judged test rows."""
    gold = corpus.cols.label[scores.fold.test]
    keep = scores.detected.judged & np.isin(gold, ["human", "synthetic"])
    y = gold[keep] == "synthetic"
    out = {}
    for d in scores.first_stage.probabilistic:
        p = scores.detected.scored[d.name].columns[d.probability][keep]
        out[d.name] = auroc(y, p) if y.any() and not y.all() else None
    return out


def declared_languages(pooled: Predictions) -> tuple[list[str], dict[str, dict]]:
    """Languages whose pooled out-of-fold human-vs-synthetic AUROC is at least ``LANGUAGE_MIN_AUROC``, measured on
    ``LANGUAGE_MIN_DATASETS`` or more data sets, and every language's evidence (AUROC overall and per data set)."""
    gold, langs, datasets = pooled.column("label"), pooled.column("lang"), pooled.column("dataset")
    usable = pooled.judged & ~pooled.hard & np.isin(gold, ["human", "synthetic"])
    evidence, chosen = {}, []
    for lang in sorted(set(langs)):
        per = {}
        for dataset in sorted(set(datasets[langs == lang])):
            m = usable & (langs == lang) & (datasets == dataset)
            y = gold[m] == "synthetic"
            if min(y.sum(), (~y).sum()) >= LANGUAGE_MIN_TEXTS:
                per[dataset] = auroc(y, pooled.p[m])
        m = usable & (langs == lang)
        y = gold[m] == "synthetic"
        overall = auroc(y, pooled.p[m]) if y.any() and not y.all() else None
        ok = len(per) >= LANGUAGE_MIN_DATASETS and overall is not None and overall >= LANGUAGE_MIN_AUROC
        evidence[lang] = {"auroc": overall, "by_dataset": per, "declared": ok}
        chosen += [lang] if ok else []
    return chosen, evidence


@dataclass
class Evaluated:
    """A leave-one-out run: its report, the stacker fitted on all out-of-fold rows, the declared languages, each
    row's out-of-fold ``p_synthetic`` from its data set's fold and, per generator family, from that family's fold
    (NaN where the row is not in the fold's test set or the first stage did not judge it)."""

    report: dict
    stacker: Stacker
    languages: list[str]
    oof: np.ndarray
    family_oof: dict[str, np.ndarray]


def evaluate(
    rows: list[dict],
    config: Config,
    seed: int,
    target_fpr: float,
    target_fnr: float,
    thread: int = 1,
) -> Evaluated:
    """Leave-one-data-set-out (and leave-one-generator-family-out) evaluation of the configured first stage.

    Args:
        rows: labelled rows of every data set.
        config: the detectors, gate and reader settings to evaluate.
        seed: training seed of every fold.
        target_fpr: the largest share of out-of-fold humans the chosen thresholds may label synthetic.
        target_fnr: the largest share of out-of-fold synthetic texts they may label human.
        thread: fastText training threads.
    """
    from synthsieve_training.data import dataset_folds, family_folds

    corpus = Corpus.of(rows, config)
    by_dataset = score_folds(corpus, list(dataset_folds(corpus.cols)), config, seed, thread)
    by_family = score_folds(corpus, list(family_folds(corpus.cols)), config, seed, thread)
    unrestricted = _pooled(by_dataset, corpus)
    languages, language_evidence = declared_languages(unrestricted)
    if not languages:
        raise ValueError(f"no language meets the declaration rule: {language_evidence}")
    spoken = frozenset(languages)
    for s in (*by_dataset, *by_family):
        s.detected = s.first_stage.restricted(s.detected, [corpus.langs[i] for i in s.fold.test], spoken)
    names = sorted(d.name for d in by_dataset[0].first_stage.probabilistic)
    X, index = pooled_logits(by_dataset, corpus)
    folds = {
        (s.fold.kind, s.fold.name): predictions(s, stacker_without(X, index, corpus, s.fold, names), corpus)
        for s in (*by_dataset, *by_family)
    }
    y = (corpus.cols.label[index] != "human").astype(float)
    final = fit_stacker(X, y, corpus.cols.dataset[index], names, spoken)
    report = build_report(folds, target_fpr, target_fnr, unrestricted, language_evidence)
    report["detector_auroc"] = {f"{s.fold.kind}:{s.fold.name}": detector_aurocs(s, corpus) for s in by_dataset}
    report |= {"seed": seed, "detectors": list(config.detectors.enabled), "languages": languages}
    oof = np.full(len(rows), np.nan)
    for s in by_dataset:
        own = own_rows(s, corpus)
        oof[s.fold.test[own]] = _judged_p(folds[("dataset", s.fold.name)])[own]
    family_oof = {}
    for s in by_family:
        family_oof[s.fold.name] = np.full(len(rows), np.nan)
        family_oof[s.fold.name][s.fold.test] = _judged_p(folds[("family", s.fold.name)])
    return Evaluated(report, final, languages, oof, family_oof)


def _judged_p(pred: Predictions) -> np.ndarray:
    """``p_synthetic`` where the first stage judged a row on its scores (not on hard evidence), else NaN."""
    return np.where(pred.judged & ~pred.hard, pred.p, np.nan)


def _pooled(by_dataset: list[FoldScores], corpus: Corpus) -> Predictions:
    """Every row once, from its own data set's fold, each fold combined by a stacker fitted without it."""
    names = sorted(d.name for d in by_dataset[0].first_stage.probabilistic)
    X, index = pooled_logits(by_dataset, corpus)
    parts = []
    for s in by_dataset:
        stacker = stacker_without(X, index, corpus, s.fold, names)
        parts.append(predictions(s, stacker, corpus, own_rows(s, corpus)))
    return Predictions.concat(parts)
