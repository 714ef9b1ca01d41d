"""Builds the shipped global references of the synthetic-share estimator (``detectors/models/share_reference.json``):
histograms, in the estimator's bins, of the first stage's leave-one-data-set-out ``p_synthetic`` of every judged
known-human and known-synthetic labelled text (``mixed`` texts left out; all data sets pooled), with the versions
of the models that produced the scores. Counts only, never texts.

Usage (after ``synthsieve train``, whose out-of-fold cache it reads):
    python -m synthsieve_training.share_reference [--out detectors/models/share_reference.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

from synthsieve.detectors import share
from synthsieve.detectors.stacker import STACKER_PATH
from synthsieve_training.data import load_labeled
from synthsieve_training.train import OOF_FILE, cache_dir


def model_versions(stacker_card: Path = STACKER_PATH) -> dict:
    """The first-stage card's digest and the version of every detector it weighs (from their cards)."""
    card = json.loads(stacker_card.read_text(encoding="utf-8"))
    detectors = {}
    for name in sorted(card["weights"]):
        path = stacker_card.parent / f"{name}.json"
        detectors[name] = json.loads(path.read_text(encoding="utf-8"))["version"] if path.is_file() else None
    digest = hashlib.sha256(stacker_card.read_bytes()).hexdigest()
    return {"first_stage_sha256": digest, "synthsieve": card["synthsieve"], "detectors": detectors}


def reference_card(rows: list[dict], p: np.ndarray, versions: dict) -> dict:
    """The references of labelled rows and their out-of-fold scores (NaN: not judged, left out)."""
    card = {
        "name": "share_reference",
        "what": "histograms of leave-one-data-set-out first-stage p_synthetic of known-human and known-synthetic "
        "labelled texts, all data sets pooled; mixed and unjudged texts left out",
        "bins": share.LAYOUT,
        "models": versions,
    }
    for label in ("human", "synthetic"):
        take = np.array([row["label"] == label for row in rows]) & ~np.isnan(p)
        card[label] = share.histogram(p[take]).tolist()
        card[f"{label}_by_dataset"] = dict(sorted(Counter(rows[i]["dataset"] for i in np.flatnonzero(take)).items()))
    return card


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=share.REFERENCE_PATH)
    args = parser.parse_args()
    rows = load_labeled()
    saved = np.load(cache_dir() / OOF_FILE)
    if saved["ids"].tolist() != [row["id"] for row in rows]:
        raise SystemExit("the out-of-fold cache is from other data: run `synthsieve train` first")
    card = reference_card(rows, saved["p"], model_versions())
    text = re.sub(r"\[[\d,\s]+\]", lambda m: json.dumps(json.loads(m.group())), json.dumps(card, indent=1))
    args.out.write_text(text + "\n", encoding="utf-8")  # the histograms on one line each
    print(f"{args.out}: {sum(card['human'])} human, {sum(card['synthetic'])} synthetic")


if __name__ == "__main__":
    main()
