"""Training of ``style_v2``: a logistic model over every ``stylometry`` feature, z-scored against known humans."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import numpy as np

from synthsieve import __version__
from synthsieve.detectors.style import StyleV2
from synthsieve.detectors.stylometry import FEATURE_NAMES, MAX_CHARS, features
from synthsieve_training.linear import fit_zscored, rounded

RECIPE = {"features": list(FEATURE_NAMES), "l2": 0.01, "mixed": "synthetic", "weights": "dataset x target"}


def train_style(rows: list[dict], out_path: Path, seed: int, languages: list[str] | None = None) -> Path:
    """Trains ``style_v2`` on labelled ``rows`` (``mixed`` as synthetic) and writes its card to ``out_path``.

    Args:
        rows: labelled rows (``text``, ``label``, ``dataset``).
        out_path: the ``.json`` to write.
        seed: recorded with the recipe; fitting has no randomness, so the same rows give the same bytes.
        languages: the languages the card declares (None: it declares none).
    """
    y = np.array([row["label"] != "human" for row in rows], dtype=float)
    X = features([row["text"] for row in rows], RECIPE["features"])
    model = fit_zscored(X, y, np.array([row["dataset"] for row in rows]), RECIPE["features"], RECIPE["l2"])
    digest = hashlib.sha256()
    counts: dict[str, Counter] = {}
    for row, target in zip(rows, y):
        digest.update(f"{int(target)}\t{row['text']}\x00".encode())
        counts.setdefault(row["dataset"], Counter())[row["label"]] += 1
    card = {
        "name": StyleV2.name,
        "version": StyleV2.version,
        "synthsieve": __version__,
        "recipe": RECIPE,
        "seed": seed,
        "featurization": f"stylometry.features, first {MAX_CHARS} characters",
        "training_data": {
            "sha256_of_targets_and_texts": digest.hexdigest(),
            "rows": {dataset: dict(sorted(c.items())) for dataset, c in sorted(counts.items())},
        },
        "model": model,
    }
    if languages is not None:
        card["languages"] = sorted(languages)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(rounded(card), indent=2) + "\n", encoding="utf-8")
    return out_path
