"""Research: which linear stacker over the first stage's detectors carries best, leave-one-data-set-out?

Retrains ``fasttext_distort_v2``, ``fasttext_words_v1`` and ``style_v2`` per data-set fold (their committed recipes,
seed 13, one thread; ~35 min on one core), caches every detector's out-of-fold log-odds with the texts' stylometric
features, then fits each stacker variant per fold on the other data sets' rows (as ``training.lodo`` does, but over
English judged rows only) and prints the AUROC of the English judged texts per fold (hard evidence ignored: the
variants are compared, not the pipeline's figures reproduced). A variant ending in ``_shared`` gives its inputs one
shared weight (the fit on their sum), as the committed stacker does. Variants naming an extra view (``chars``:
``fasttext_chars_v1``; ``words2m``: ``fasttext_words_v1`` with 2 M hash buckets, ``words2m250k`` the same
quantized to its 250 k largest rows) train it per fold too (its committed recipe, one thread; ~10 min on one core,
cached per view). ``cap`` and ``nomixed`` retrain all three fastText detectors per fold on other rows: at most
``CAP`` rows of each (data set, label), or no ``mixed`` rows; their variants sum those three views only.

    .venv/bin/python bench/stacker_variants.py [base style len style_len products features base_shared ...]
    .venv/bin/python bench/stacker_variants.py chars chars_shared words2m_chars_shared style_chars_shared
    .venv/bin/python bench/stacker_variants.py words2m250k_chars_shared cap_shared nomixed_shared
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

import numpy as np

from synthsieve.cli import _labelled_rows, _load
from synthsieve.detectors import registry
from synthsieve.detectors.metrics import auroc
from synthsieve.detectors.stacker import logit
from synthsieve.detectors.stylometry import FEATURE_NAMES, features
from synthsieve_training.data import Columns, dataset_folds
from synthsieve_training.fasttext_train import train_fasttext
from synthsieve_training.linear import balanced_weights, fit_logistic
from synthsieve_training.lodo import STACKER_L2, Corpus, logits, own_rows, score_folds
from synthsieve_training.train import cache_dir

DETECTORS = ["fasttext_distort_v2", "fasttext_words_v1", "style_v2"]  # sorted: the order of ``logits`` columns
CACHE = cache_dir() / "stacker_variants_oof.npz"
# Extra views: a fastText detector, hyperparameters over its committed recipe, and which training rows it reads
# (None: all of them, as the committed recipes).
CAP = 6000  # ``cap`` views: at most this many rows of each (data set, label), a seeded sample


def capped(rows: list[dict]) -> list[dict]:
    """At most ``CAP`` rows of each (data set, label) group, a seeded sample in the rows' order: the large sets
    (BiScope, DetectRL, Raidar) no longer outweigh the others."""
    rng = np.random.default_rng(13)
    order = rng.permutation(len(rows))
    seen: dict[tuple[str, str], int] = {}
    keep = np.zeros(len(rows), bool)
    for i in order.tolist():
        key = rows[i]["dataset"], rows[i]["label"]
        if seen.get(key, 0) < CAP:
            seen[key] = seen.get(key, 0) + 1
            keep[i] = True
    return [row for row, k in zip(rows, keep) if k]


def without_mixed(rows: list[dict]) -> list[dict]:
    """The rows that are not ``mixed`` (human text an LLM polished)."""
    return [row for row in rows if row["label"] != "mixed"]


VIEWS = {
    "chars": ("fasttext_chars_v1", {}, None),
    "words2m": ("fasttext_words_v1", {"bucket": 2_000_000}, None),
    # 2 M buckets, quantized keeping the 250 k largest-norm rows: the size of the committed model.
    "words2m250k": ("fasttext_words_v1", {"bucket": 2_000_000, "cutoff": 250_000}, None),
    **{
        f"{short}_{rows}": (f"fasttext_{short}_{version}", {}, select)
        for short, version in [("distort", "v2"), ("words", "v1"), ("chars", "v1")]
        for rows, select in [(f"cap{CAP}", capped), ("nomixed", without_mixed)]
    },
}
VARIANT_VIEWS = {
    "chars": ["chars"],
    "words2m_chars": ["words2m", "chars"],
    "words2m250k_chars": ["words2m250k", "chars"],
    "style_chars": ["chars"],
    "cap": [f"distort_cap{CAP}", f"words_cap{CAP}", f"chars_cap{CAP}"],
    "nomixed": ["distort_nomixed", "words_nomixed", "chars_nomixed"],
}


def out_of_fold() -> dict[str, np.ndarray]:
    """Every data-set fold's test indices, own and judged rows and detector log-odds, with row metadata."""
    if CACHE.exists():
        return dict(np.load(CACHE, allow_pickle=False))
    rows, config = _labelled_rows(()), _load(None, {})
    detectors = dataclasses.replace(config.detectors, enabled=[*DETECTORS, "markers_v1"])
    config = dataclasses.replace(config, detectors=detectors)
    corpus = Corpus.of(rows, config)
    out = {
        "dataset": corpus.cols.dataset.astype(str),
        "label": corpus.cols.label.astype(str),
        "langs": np.array(corpus.langs, dtype=str),
        "n_words": corpus.n_words,
        "style": features([row["text"] for row in rows], list(FEATURE_NAMES)),
    }
    for s in score_folds(corpus, list(dataset_folds(corpus.cols)), config, 13, 1):
        name = s.fold.name
        out |= {f"{name}:index": s.fold.test, f"{name}:own": own_rows(s, corpus), f"{name}:judged": s.detected.judged}
        out[f"{name}:X"] = logits(s)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    np.savez(CACHE, **out)
    return out


def view_log_odds(view: str) -> dict[str, np.ndarray]:
    """An extra view's log-odds on every data-set fold's test rows (``{fold}:X``, aligned with ``{fold}:index``)."""
    path = cache_dir() / f"stacker_variants_{view}.npz"
    if path.exists():
        return dict(np.load(path, allow_pickle=False))
    name, params, select = VIEWS[view]
    rows = _labelled_rows(())
    out = {}
    for fold in dataset_folds(Columns(rows)):
        with tempfile.TemporaryDirectory(prefix="synthsieve-view-") as tmp:
            train = [rows[i] for i in fold.train]
            train = select(train) if select else train
            model = train_fasttext(train, name, Path(tmp) / f"{name}.ftz", 13, None, 1, params)
            p = registry.create(name, str(model)).score([rows[i]["text"] for i in fold.test]).columns["p"]
        out[f"{fold.name}:X"] = logit(p)
        print(f"{view} {fold.name}", file=sys.stderr, flush=True)
    np.savez(path, **out)
    return out


def design(d: dict, X: np.ndarray, index: np.ndarray, variant: str) -> np.ndarray:
    """The stacker's inputs of one variant: the detectors' log-odds ``X`` of rows ``index`` (extra views' columns
    after them), and more."""
    distort, words, style = X.T[:3]
    length = np.log(np.maximum(d["n_words"][index], 1)) - 5.0
    if variant == "chars":
        return np.c_[distort, words, X[:, 3]]
    if variant in ("cap", "nomixed"):
        return X[:, 3:6]
    if variant in ("words2m_chars", "words2m250k_chars"):
        return np.c_[distort, X[:, 3], X[:, 4]]
    if variant == "style_chars":
        return np.c_[distort, words, style, X[:, 3]]
    if variant == "base":
        return np.c_[distort, words]
    if variant == "style":
        return np.c_[distort, words, style]
    if variant == "len":
        return np.c_[distort, words, length, distort * length, words * length]
    if variant == "style_len":
        return np.c_[distort, words, style, length, distort * length, words * length, style * length]
    if variant == "products":
        return np.c_[distort, words, style, distort * words, np.abs(distort - words)]
    if variant == "features":
        raw = d["style"]
        z = (raw[index] - np.nanmean(raw, 0)) / (np.nanstd(raw, 0) + 1e-9)
        return np.c_[distort, words, style, length, np.nan_to_num(z)]
    raise ValueError(f"unknown variant {variant}")


def evaluate(d: dict, variant: str) -> dict[str, float]:
    """AUROC per data-set fold with at least 50 judged English humans and synthetic texts."""
    folds = sorted(k.split(":")[0] for k in d if k.endswith(":index"))
    dataset, label = d["dataset"], d["label"]
    shared = variant.endswith("_shared")
    variant = variant.removesuffix("_shared")
    views = [view_log_odds(v) for v in VARIANT_VIEWS.get(variant, [])]
    test, pooled_X, pooled_i = {}, [], []
    for fold in folds:
        index = d[f"{fold}:index"]
        X = np.column_stack([d[f"{fold}:X"], *(v[f"{fold}:X"] for v in views)])
        keep = (d["langs"][index] == "en") & d[f"{fold}:judged"] & np.isfinite(X).all(1)
        test[fold] = index[keep], X[keep]
        own = d[f"{fold}:own"][keep]
        pooled_X.append(X[keep][own])
        pooled_i.append(index[keep][own])
    PX, PI = np.concatenate(pooled_X), np.concatenate(pooled_i)
    inputs, y = design(d, PX, PI, variant), (label[PI] != "human").astype(float)
    if shared:
        inputs = inputs.sum(axis=1, keepdims=True)
    out = {}
    for fold in folds:
        index, X = test[fold]
        held = np.isin(dataset[PI], np.unique(dataset[index]))
        beta = fit_logistic(inputs[~held], y[~held], balanced_weights(dataset[PI][~held], y[~held]), STACKER_L2)
        test_inputs = design(d, X, index, variant)
        z = beta[0] + (test_inputs.sum(axis=1, keepdims=True) if shared else test_inputs) @ beta[1:]
        scored = label[index] != "mixed"
        target = (label[index][scored] == "synthetic").astype(int)
        if min((target == 0).sum(), (target == 1).sum()) >= 50:
            out[fold] = auroc(target, z[scored])
    return out


def main() -> None:
    d = out_of_fold()
    default = ["base", "style", "len", "style_len", "products", "features", "base_shared", "style_shared"]
    for variant in sys.argv[1:] or default:
        result = evaluate(d, variant)
        values = np.array(list(result.values()))
        folds = " ".join(f"{k}={v:.3f}" for k, v in result.items())
        print(f"{variant:10s} mean {values.mean():.4f} worst {values.min():.3f}  {folds}", flush=True)


if __name__ == "__main__":
    main()
