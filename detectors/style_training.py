"""Training and leave-one-dataset-out (LODO) evaluation of the stylometric detector ``style_v1``, alone and combined
with ``fasttext_char_v1``.

The model is linear in z-scores: each feature is standardized by the mean and standard deviation of the training
humans (every data set's humans weighing the same), clipped to ``[-CLIP, CLIP]``, and ``p = sigmoid(bias + w · z)``.
``w`` comes from a weighted L2 logistic regression fitted by Newton's method (``model: "lr"``) or is a calibrated
unweighted sum of signed z-scores (``model: "zsum"``). ``features`` is ``"all"``, ``"consistent"`` (those whose
human-vs-synthetic mean difference has the same sign, and at least ``min_effect`` standard deviations, on every
training data set) or a list of names.

``python -m synthsieve.detectors.style_training`` prints the LODO tables of every recipe in ``VARIANTS`` and of the
fastText + style combinations.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from synthsieve import __version__
from synthsieve.detectors import training
from synthsieve.detectors.fasttext_char import FastTextCharV1
from synthsieve.detectors.metrics import auroc, expected_calibration_error, tpr_at_fpr
from synthsieve.detectors.style import StyleV1, probability
from synthsieve.detectors.stylometry import FEATURE_NAMES, MAX_CHARS, features

CLIP = 5.0
CURATED = ("sent_len_cv", "llm_word_share", "llm_phrase_rate", "cap_start_share", "contraction_rate")
DEFAULT_RECIPE: dict = {"model": "zsum", "features": "consistent", "min_effect": 0.05, "l2": 0.01, "mixed": "drop"}
# Recipes compared in STYLE_NOTES.md, as overrides of DEFAULT_RECIPE.
VARIANTS: dict[str, dict] = {
    "full LR, mixed as synthetic": {"model": "lr", "features": "all", "mixed": "synthetic"},
    "full LR": {"model": "lr", "features": "all"},
    "curated LR": {"model": "lr", "features": list(CURATED)},
    "consistent LR": {"model": "lr"},
    "consistent z-sum, min effect 0.1, mixed as synthetic": {"min_effect": 0.1, "mixed": "synthetic"},
    "consistent z-sum, min effect 0.1": {"min_effect": 0.1},
    "consistent z-sum, min effect 0.2": {"min_effect": 0.2},
    "consistent z-sum (chosen)": {},
}
COMBINATIONS = ("fastText", "style", "mean p", "mean logit", "z-sum")


def _targets(rows: list[dict], mixed: str) -> np.ndarray:
    """Training targets: 1 synthetic, 0 human, -1 for ``mixed`` rows that are dropped."""
    if mixed not in ("synthetic", "drop"):
        raise ValueError(f"recipe['mixed'] must be 'synthetic' or 'drop', not {mixed!r}")
    mixed_target = 1 if mixed == "synthetic" else -1
    return np.array([{"human": 0, "synthetic": 1}.get(row["label"], mixed_target) for row in rows])


def _balanced_weights(datasets: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row weights giving every (data set, target) group the same total weight; mean weight 1."""
    groups = [f"{d}\t{t}" for d, t in zip(datasets, y)]
    sizes = Counter(groups)
    w = np.array([1.0 / sizes[g] for g in groups])
    return w * len(w) / w.sum()


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float, iterations: int = 50) -> np.ndarray:
    """Weighted L2-penalized logistic regression by Newton's method (the bias is not penalized).

    Args:
        X: features, shape ``[n, k]``.
        y: 0/1 targets.
        w: row weights.
        l2: penalty on the squared weights, relative to the mean weighted log-loss.
        iterations: the most Newton steps; it stops earlier once a step changes no coefficient by 1e-10.

    Returns:
        ``[bias, w_1, ..., w_k]``.
    """
    A = np.hstack([np.ones((len(X), 1)), X])
    w = w / w.sum()
    penalty = np.full(A.shape[1], l2)
    penalty[0] = 0.0
    beta = np.zeros(A.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(A @ beta)))
        gradient = A.T @ (w * (p - y)) + penalty * beta
        hessian = (A * (w * p * (1 - p))[:, None]).T @ A + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return beta


def _effects(Z: np.ndarray, y: np.ndarray, datasets: np.ndarray) -> dict[str, np.ndarray]:
    """Per training data set with both targets: (synthetic mean - human mean) / pooled std of each column.

    A data set without humans (argugpt) is compared with the humans of its ``training.HUMAN_PARTNERS`` set when
    that set is in training, and skipped otherwise.
    """
    effects = {}
    for dataset in sorted(set(datasets)):
        partner = training.HUMAN_PARTNERS.get(dataset, dataset)
        synthetic, human = Z[(datasets == dataset) & (y == 1)], Z[(datasets == partner) & (y == 0)]
        if len(synthetic) and len(human):
            pooled = np.sqrt((synthetic.var(axis=0) + human.var(axis=0)) / 2) + 1e-12
            effects[dataset] = (synthetic.mean(axis=0) - human.mean(axis=0)) / pooled
    return effects


def _select(Z: np.ndarray, y, datasets, recipe: dict, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the recipe's features and the sign of each one's effect pooled over the training data sets."""
    effects = np.array(list(_effects(Z, y, datasets).values()))
    signs = np.sign(effects.mean(axis=0))
    if recipe["features"] == "all":
        return np.arange(Z.shape[1]), signs
    if recipe["features"] == "consistent":
        agree = (np.sign(effects) == signs).all(axis=0) & (np.abs(effects).min(axis=0) >= recipe["min_effect"])
        return np.flatnonzero(agree), signs
    return np.array([names.index(name) for name in recipe["features"]]), signs


def fit_zscores(X: np.ndarray, names: list[str], y: np.ndarray, datasets: np.ndarray, recipe: dict):
    """Fits ``p = sigmoid(bias + weights . clip(z))`` on features ``X`` (columns ``names``), 0/1 targets ``y`` and
    each row's data set, z-scores taken against the training humans; ``recipe`` is complete (no defaults here).

    Returns:
        The model (``{"features", "clip", "mean", "std", "weights", "bias"}``, what ``style.probability`` and
        ``lm.probability`` apply) and the pooled sign of every column's effect (+1: higher in synthetic text).
    """
    w = _balanced_weights(datasets, y)
    human = y == 0
    mean = np.average(X[human], axis=0, weights=w[human])
    std = np.sqrt(np.average((X[human] - mean) ** 2, axis=0, weights=w[human])) + 1e-9
    Z = np.clip((X - mean) / std, -CLIP, CLIP)
    keep, signs = _select(Z, y, datasets, recipe, names)
    if len(keep) == 0:
        raise ValueError(f"no feature passes the recipe's selection: {recipe}")
    if recipe["model"] == "lr":
        beta = fit_logistic(Z[:, keep], y, w, recipe["l2"])
        bias, weights = beta[0], beta[1:]
    else:
        direction = signs[keep] / np.sqrt(len(keep))
        bias, scale = fit_logistic(Z[:, keep] @ direction[:, None], y, w, recipe["l2"])
        weights = scale * direction
    model = {
        "features": [names[i] for i in keep],
        "clip": CLIP,
        "mean": mean[keep].tolist(),
        "std": std[keep].tolist(),
        "weights": np.asarray(weights).tolist(),
        "bias": float(bias),
    }
    return model, signs


def fit(X: np.ndarray, y: np.ndarray, datasets: np.ndarray, recipe: dict) -> dict:
    """Fits a style model on ``stylometry.features`` ``X``, 0/1 targets ``y`` and each row's data set.

    Returns:
        ``{"features", "clip", "mean", "std", "weights", "bias"}``: the model that ``style.probability`` applies.
    """
    return fit_zscores(X, list(FEATURE_NAMES), y, datasets, {**DEFAULT_RECIPE, **recipe})[0]


def _rounded(value):
    """``value`` with every float rounded to 6 significant digits, so that the JSON is byte-stable."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def train_style(rows: list[dict], out_path: Path, seed: int, recipe: dict | None = None) -> Path:
    """Trains ``style_v1`` on labeled ``rows`` and writes its JSON model to ``out_path``.

    Args:
        rows: labeled rows (``text``, ``label``, ``dataset``).
        out_path: the ``.json`` to write.
        seed: recorded with the recipe; fitting has no randomness, so the same rows give the same bytes.
        recipe: ``DEFAULT_RECIPE`` overrides.

    Returns:
        ``out_path``.
    """
    recipe = {**DEFAULT_RECIPE, **(recipe or {})}
    y = _targets(rows, recipe["mixed"])
    used = [row for row, t in zip(rows, y) if t >= 0]
    X, y = features([row["text"] for row in used]), y[y >= 0]
    model = fit(X, y, np.array([row["dataset"] for row in used]), recipe)
    digest = hashlib.sha256()
    for row, target in zip(used, y):
        digest.update(f"{target}\t{row['text']}\x00".encode())
    counts: dict[str, Counter] = {}
    for row in used:
        counts.setdefault(row["dataset"], Counter())[row["label"]] += 1
    document = {
        "name": out_path.stem,
        "version": StyleV1.version,
        "synthsieve": __version__,
        "recipe": recipe,
        "seed": seed,
        "featurization": f"stylometry.features, first {MAX_CHARS} characters",
        "training_data": {
            "sha256_of_targets_and_texts": digest.hexdigest(),
            "rows": {dataset: dict(sorted(c.items())) for dataset, c in sorted(counts.items())},
        },
        "model": model,
    }
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(_rounded(document), indent=2) + "\n", encoding="utf-8")
    return out_path


def evaluate_scores(p: np.ndarray, labels: np.ndarray) -> dict:
    """``training.evaluate`` fields for scores ``p`` of rows with gold ``labels``."""
    human, synthetic, mixed = (labels == name for name in ("human", "synthetic", "mixed"))
    result = {"n_human": int(human.sum()), "n_synthetic": int(synthetic.sum()), "n_mixed": int(mixed.sum())}
    for prefix, positive in (("", synthetic), ("mixed_", mixed)):
        if positive.any():
            y, s = positive[human | positive], p[human | positive]
            result[f"{prefix}auroc"] = auroc(y, s)
            result[f"{prefix}tpr@1%fpr"] = tpr_at_fpr(y, s, 0.01)
            result[f"{prefix}tpr@5%fpr"] = tpr_at_fpr(y, s, 0.05)
            result[f"{prefix}ece"] = expected_calibration_error(y, s)
    return result


def _folds(rows: list[dict]):
    """Yields ``(dataset, partner, train mask, test mask)`` for each left-out data set, as ``training.lodo``."""
    datasets = np.array([row["dataset"] for row in rows])
    labels = np.array([row["label"] for row in rows])
    for dataset in sorted(set(datasets)):
        partner = training.HUMAN_PARTNERS.get(dataset, dataset)
        train = ~np.isin(datasets, [dataset, partner])
        test = (datasets == dataset) | ((datasets == partner) & (labels == "human"))
        yield dataset, partner, train, test


def lodo_style(rows: list[dict], seed: int, recipe: dict | None = None, X: np.ndarray | None = None) -> list[dict]:
    """Leave-one-dataset-out evaluation of a style recipe (see ``training.lodo`` for the folds).

    Args:
        rows: labeled rows.
        seed: unused by the fit (it is deterministic); kept for the same call shape as ``training.lodo``.
        recipe: ``DEFAULT_RECIPE`` overrides.
        X: ``features`` of ``rows`` when already computed.

    Returns:
        One dict per left-out data set: ``dataset``, ``humans_from``, ``n_train``, ``features``, the
        ``evaluate_scores`` fields.
    """
    recipe = {**DEFAULT_RECIPE, **(recipe or {})}
    X = features([row["text"] for row in rows]) if X is None else X
    y = _targets(rows, recipe["mixed"])
    datasets = np.array([row["dataset"] for row in rows])
    labels = np.array([row["label"] for row in rows])
    results = []
    for dataset, partner, train, test in _folds(rows):
        train &= y >= 0
        model = fit(X[train], y[train], datasets[train], recipe)
        scores = evaluate_scores(_apply(model, X[test]), labels[test])
        fold = {"dataset": dataset, "humans_from": partner, "n_train": int(train.sum()), "features": model["features"]}
        results.append(fold | scores)
    return results


def _apply(model: dict, X: np.ndarray) -> np.ndarray:
    """``style.probability`` of rows of the full feature matrix ``X`` (columns in ``FEATURE_NAMES`` order)."""
    return probability(model, X[:, [FEATURE_NAMES.index(name) for name in model["features"]]])


def _logit(p: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)), with p kept 1e-4 away from 0 and 1."""
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def combine(fasttext_p: np.ndarray, style_p: np.ndarray, reference: tuple[np.ndarray, np.ndarray]) -> dict:
    """Scores of each of ``COMBINATIONS`` from the two detectors' probabilities.

    Args:
        fasttext_p: fastText P(synthetic).
        style_p: style P(synthetic).
        reference: the two detectors' P(synthetic) on the training humans, for the z-sum.
    """
    logits = [_logit(fasttext_p), _logit(style_p)]
    z = [(lg - _logit(ref).mean()) / _logit(ref).std() for lg, ref in zip(logits, reference)]
    return {
        "fastText": fasttext_p,
        "style": style_p,
        "mean p": (fasttext_p + style_p) / 2,
        "mean logit": (logits[0] + logits[1]) / 2,
        "z-sum": z[0] + z[1],
    }


def lodo_combined(rows: list[dict], seed: int, recipe: dict | None = None, X: np.ndarray | None = None) -> list[dict]:
    """LODO of fastText (``training.DEFAULT_PARAMS``), style (``recipe``) and their ``COMBINATIONS``.

    Each fold trains both detectors on the other data sets, as ``training.lodo`` does.

    Returns:
        One dict per left-out data set: ``dataset``, ``humans_from``, then ``{combination: AUROC}`` for synthetic and
        under ``mixed`` for mixed texts (where the fold has them).
    """
    recipe = {**DEFAULT_RECIPE, **(recipe or {})}
    X = features([row["text"] for row in rows]) if X is None else X
    y = _targets(rows, recipe["mixed"])
    datasets = np.array([row["dataset"] for row in rows])
    labels = np.array([row["label"] for row in rows])
    texts = [row["text"] for row in rows]
    results = []
    for dataset, partner, train, test in _folds(rows):
        style = fit(X[train & (y >= 0)], y[train & (y >= 0)], datasets[train & (y >= 0)], recipe)
        with tempfile.TemporaryDirectory(prefix="synthsieve-style-lodo-") as tmp:
            path = training.train_fasttext([r for r, t in zip(rows, train) if t], Path(tmp) / "m.ftz", {}, seed)
            detector = FastTextCharV1(str(path))
        humans = train & (labels == "human")
        reference = (detector.score([t for t, h in zip(texts, humans) if h])["p"], _apply(style, X[humans]))
        fasttext_p = detector.score([t for t, keep in zip(texts, test) if keep])["p"].astype(np.float64)
        scores = combine(fasttext_p, _apply(style, X[test]), reference)
        fold = {"dataset": dataset, "humans_from": partner}
        for key, positive in (("synthetic", "synthetic"), ("mixed", "mixed")):
            mask = np.isin(labels[test], ["human", positive])
            if (labels[test] == positive).any():
                truth = labels[test][mask] == positive
                fold[key] = {name: auroc(truth, s[mask]) for name, s in scores.items()}
        results.append(fold)
    return results


def variants_table(rows: list[dict], X: np.ndarray, seed: int) -> str:
    """Markdown table of the LODO AUROC of every recipe in ``VARIANTS``."""
    lines = []
    for name, overrides in VARIANTS.items():
        results = lodo_style(rows, seed, overrides, X)
        aurocs = [r["auroc"] for r in results]
        if not lines:
            header = ["variant", "overrides", *(r["dataset"] for r in results), "worst", "mean"]
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        cells = [name, f"`{json.dumps(overrides)}`", *(f"{a:.3f}" for a in aurocs), f"{min(aurocs):.3f}"]
        lines.append("| " + " | ".join([*cells, f"{np.mean(aurocs):.3f}"]) + " |")
    return "\n".join(lines)


def combined_table(results: list[dict]) -> str:
    """Markdown table of ``lodo_combined`` AUROCs, with worst and mean rows."""
    lines = ["| left out | " + " | ".join(COMBINATIONS) + " |", "|" + "---|" * (len(COMBINATIONS) + 1)]
    for r in results:
        lines.append(f"| {r['dataset']} | " + " | ".join(f"{r['synthetic'][c]:.3f}" for c in COMBINATIONS) + " |")
    for name, reduce in (("**worst**", min), ("**mean**", np.mean)):
        cells = [f"{reduce([r['synthetic'][c] for r in results]):.3f}" for c in COMBINATIONS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for r in results:
        if "mixed" in r:
            cells = [f"{r['mixed'][c]:.3f}" for c in COMBINATIONS]
            lines.append(f"| {r['dataset']}, human vs. mixed | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """CLI: prints the LODO tables of ``VARIANTS``, of ``DEFAULT_RECIPE`` and of the fastText combinations."""
    parser = argparse.ArgumentParser(description="Leave-one-dataset-out evaluation of the style_v1 detector.")
    parser.add_argument("--data", type=Path, default=training.DATA_PATH, help="labeled .jsonl.gz")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-fasttext", action="store_true", help="skip the fastText combination (5 trainings)")
    args = parser.parse_args(argv)
    rows = training.load_labeled(args.data)
    X = features([row["text"] for row in rows])
    print(f"## Style recipes\n\n{variants_table(rows, X, args.seed)}\n")
    chosen = training.markdown_table(lodo_style(rows, args.seed, None, X))
    print(f"## Chosen recipe {json.dumps(DEFAULT_RECIPE)}\n\n{chosen}\n")
    if not args.no_fasttext:
        print(f"## fastText + style (AUROC)\n\n{combined_table(lodo_combined(rows, args.seed, None, X))}")


if __name__ == "__main__":
    main()
