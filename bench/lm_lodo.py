"""Leave-one-dataset-out study of the ``lm_v1`` stage, alone and stacked on the first stage.

    python bench/lm_features.py SAMPLE.jsonl.gz lm.npz --max-tokens 128      # LM statistics (slow on a CPU)
    python bench/lm_lodo.py ../shared/data/labeled/dev.jsonl.gz SAMPLE.jsonl.gz lm.npz --max-tokens 128

The first stage (fastText + style, retrained per fold on the whole labeled set) scores the sample out of fold; the
LM model is fitted per fold on the sample's other data sets. Prints AUROC per left-out data set for each LM feature
(zero-shot, the sign that the training folds agree on), the fitted LM model, the first stage, and the stack.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from synthsieve.config import load_config
from synthsieve.detectors.evaluation import lodo_scores
from synthsieve.detectors.lm import probability
from synthsieve.detectors.lm_stats import FEATURES
from synthsieve.detectors.lm_training import fit, stack_logit
from synthsieve.detectors.metrics import auroc
from synthsieve.detectors.training import HUMAN_PARTNERS, load_labeled


def first_stage(full_rows: list[dict], ids: np.ndarray, seed: int) -> dict[str, dict[str, float]]:
    """Per left-out data set: id -> out-of-fold first-stage p_synthetic (judged texts only)."""
    config = load_config()
    out = {}
    for dataset, scored in lodo_scores(full_rows, config, seed).items():
        wanted = set(ids.tolist())
        ev = scored.evidence
        out[dataset] = {
            row["id"]: float(ev.p_synthetic[i])
            for i, row in enumerate(scored.rows)
            if row["id"] in wanted and ev.judged[i] and not ev.hard[i]
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("sample")
    parser.add_argument("features")
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cache", type=Path, help="a JSON file keeping the first stage's out-of-fold scores")
    args = parser.parse_args()
    rows = load_labeled(args.sample)
    npz = np.load(args.features)
    ids = npz["id"]
    assert list(ids) == [row["id"] for row in rows], "features are not aligned with the sample"
    X = np.stack([npz[f"{args.max_tokens}/{name}"] for name in FEATURES], axis=1).astype(np.float64)
    labels = np.array([row["label"] for row in rows])
    datasets = np.array([row["dataset"] for row in rows])
    if args.cache and args.cache.is_file():
        fs = json.loads(args.cache.read_text())
    else:
        fs = first_stage(load_labeled(args.data), ids, args.seed)
        if args.cache:
            args.cache.write_text(json.dumps(fs))
    header = ["left out", *FEATURES, "lm_v1", "first stage", "pipeline (mean p)", "mean logit", "n"]
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    worst = {}
    for dataset in sorted(set(datasets)):
        partner = HUMAN_PARTNERS.get(dataset, dataset)
        train = ~np.isin(datasets, [dataset, partner]) & (labels != "mixed")
        test = (datasets == dataset) & (labels != "mixed") | ((datasets == partner) & (labels == "human"))
        known = np.array([i in fs[dataset] for i in ids])
        test &= known
        y_train = (labels[train] == "synthetic").astype(int)
        model = fit(X[train], list(FEATURES), y_train, datasets[train], {})
        y = labels[test] == "synthetic"
        cells = []
        for j, name in enumerate(FEATURES):
            sign = model["signs"][name]
            cells.append(auroc(y, sign * X[test, j]))
        p_lm = probability(model, {name: X[test, j] for j, name in enumerate(FEATURES)})
        p_fs = np.array([fs[dataset][i] for i in ids[test]])
        p_mean = (2 * p_fs + p_lm) / 3  # the pipeline: the mean of fastText's, style's and the LM's p
        row = [*cells, auroc(y, p_lm), auroc(y, p_fs), auroc(y, p_mean), auroc(y, stack_logit(p_fs, p_lm))]
        for k, v in zip(["lm_v1", "first stage", "pipeline (mean p)", "mean logit"], row[-4:]):
            worst[k] = min(worst.get(k, 1.0), v)
        print(f"| {dataset} | " + " | ".join(f"{v:.3f}" for v in row) + f" | {int(test.sum())} |")
    print("worst:", {k: round(v, 3) for k, v in worst.items()})


if __name__ == "__main__":
    main()
