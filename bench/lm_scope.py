"""Research: would the LM stage gain more re-scoring every judged English text below the synthetic threshold, not
only the uncertain band? Leave-one-out over the ``lm_v2`` training sample with the combiner fitted on that wider
set (the decision columns are meaningless here: the human threshold is 0).

Usage (after ``synthsieve train`` and ``synthsieve train --stage lm``, whose caches it reads):
    python bench/lm_scope.py [--models detectors/models]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from synthsieve.detectors.lm import LanguageModel
from synthsieve_training.data import Columns, load_labeled
from synthsieve_training.lm_train import RECIPE, cached_statistics, lodo, sample
from synthsieve_training.report import lm_markdown
from synthsieve_training.train import FAMILY_PREFIX, OOF_FILE, cache_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=Path(__file__).resolve().parents[1] / "detectors" / "models")
    args = parser.parse_args()
    rows = load_labeled()
    cols = Columns(rows)
    saved = np.load(cache_dir() / OOF_FILE)
    if saved["ids"].tolist() != [row["id"] for row in rows]:
        raise SystemExit("the out-of-fold cache is from other data: run `synthsieve train` first")
    first = saved["p"]
    families = {k[len(FAMILY_PREFIX) :]: saved[k] for k in saved.files if k.startswith(FAMILY_PREFIX)}
    index = sample(cols, RECIPE["per_group"], RECIPE["human_factor"], RECIPE["seed"])
    index = index[~np.isnan(first[index]) & np.isin(cols.lang[index], RECIPE["languages"])]
    lm = LanguageModel(max_tokens=RECIPE["max_tokens"])
    name = f"lm_statistics-{Path(lm.name).stem}-{lm.dtype}-{lm.max_tokens}.npz"
    data = cached_statistics(rows, index, cache_dir() / name, lm)
    synthetic = json.loads((args.models / "first_stage.json").read_text())["thresholds"]["synthetic_threshold"]
    fold_p = {k: v[index] for k, v in families.items()}
    table, _ = lodo(cols, index, data, first[index], (0.0, synthetic), RECIPE["l2"], RECIPE["languages"], fold_p)
    print(lm_markdown(table))


if __name__ == "__main__":
    main()
