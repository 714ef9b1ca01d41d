"""Fitting ``lm_v1``'s P(synthetic) on LM statistics of labeled text: z-scores against human text, few weights.

The recipe follows ``style_training``: every statistic is standardized by the training humans (each data set's
humans weighing the same), clipped, and combined as a calibrated sum of the signed z-scores of the statistics whose
effect has the same sign in every training data set (``"zsum"``), or by a weighted logistic regression (``"lr"``).
The LM costs about a second per text on a CPU core, so the model is fitted on a stratified sample: ``per_group``
texts of every (data set, label), ``mixed`` dropped.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from pathlib import Path

import numpy as np

from synthsieve import __version__
from synthsieve.detectors.lm_stats import FEATURES
from synthsieve.detectors.style_training import _rounded, fit_zscores

DEFAULT_RECIPE: dict = {
    "model": "zsum",
    "features": "consistent",
    "min_effect": 0.05,
    "l2": 0.01,
    "per_group": 100,
    "sample_seed": 7,
    "max_tokens": 128,
}


def fit(X: np.ndarray, names: list[str], y: np.ndarray, datasets: np.ndarray, recipe: dict) -> dict:
    """Fits the model that ``lm.probability`` applies.

    Args:
        X: statistics, one column per name in ``names``.
        y: 1 synthetic, 0 human.
        datasets: each row's data set (for balancing and the sign-consistency test).
        recipe: ``DEFAULT_RECIPE`` overrides.

    Returns:
        ``{"features", "clip", "mean", "std", "weights", "bias", "signs"}``; ``signs`` holds the pooled direction
        of every statistic (+1: higher in synthetic text), the zero-shot reading of each one.
    """
    model, signs = fit_zscores(X, names, y, datasets, {**DEFAULT_RECIPE, **recipe})
    return {**model, "signs": {name: float(sign) for name, sign in zip(names, signs)}}


def stack_logit(*probabilities: np.ndarray) -> np.ndarray:
    """The mean of the detectors' log-odds, as a probability."""
    logits = [np.log(np.clip(p, 1e-4, 1 - 1e-4) / (1 - np.clip(p, 1e-4, 1 - 1e-4))) for p in probabilities]
    return 1.0 / (1.0 + np.exp(-np.mean(logits, axis=0)))


def sample_rows(rows: list[dict], per_group: int, seed: int) -> list[dict]:
    """Up to ``per_group`` human or synthetic rows of every (data set, label), drawn with ``seed``, in file order."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        if row["label"] in ("human", "synthetic"):
            groups.setdefault((row["dataset"], row["label"]), []).append(i)
    chosen = []
    for key in sorted(groups):
        index = groups[key]
        random.Random(seed).shuffle(index)
        chosen += index[:per_group]
    return [rows[i] for i in sorted(chosen)]


def train_lm(rows: list[dict], out_path: Path, recipe: dict | None = None) -> Path:
    """Fits ``lm_v1``'s weights on a stratified sample of labeled ``rows`` and writes them to ``out_path``.

    Args:
        rows: labeled rows (``text``, ``label``, ``dataset``).
        out_path: the ``.json`` to write.
        recipe: ``DEFAULT_RECIPE`` overrides; ``sample_seed`` draws the sample, and the LM and the fit have no
            randomness, so the same rows give the same bytes.
    """
    from synthsieve.detectors.lm import LanguageModel

    recipe = {**DEFAULT_RECIPE, **(recipe or {})}
    used = sample_rows(rows, recipe["per_group"], recipe["sample_seed"])
    lm = LanguageModel(max_tokens=recipe["max_tokens"], device="cpu")
    document = fitted_document(used, lm.statistics([row["text"] for row in used]), recipe, lm.name)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(_rounded(document), indent=2) + "\n", encoding="utf-8")
    return out_path


def fitted_document(used: list[dict], stats: dict[str, np.ndarray], recipe: dict, lm_name: str) -> dict:
    """The ``lm_v1.json`` document: the model fitted on ``stats`` of the sampled rows ``used``, and its recipe."""
    from synthsieve.detectors.lm import LMV1

    X = np.stack([stats[name] for name in FEATURES], axis=1).astype(np.float64)
    y = np.array([row["label"] == "synthetic" for row in used], dtype=int)
    counts: dict[str, Counter] = {}
    for row in used:
        counts.setdefault(row["dataset"], Counter())[row["label"]] += 1
    digest = hashlib.sha256("".join(f"{row['label']}\t{row['text']}\x00" for row in used).encode())
    return {
        "name": "lm_v1",
        "version": LMV1.version,
        "synthsieve": __version__,
        "recipe": recipe,
        "language_model": lm_name,
        "training_data": {
            "sha256_of_labels_and_texts": digest.hexdigest(),
            "rows": {dataset: dict(sorted(c.items())) for dataset, c in sorted(counts.items())},
        },
        "model": fit(X, list(FEATURES), y, np.array([row["dataset"] for row in used]), recipe),
    }
