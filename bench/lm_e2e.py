"""What the second stage changed in a whole run: the same labelled input run without and with ``--lm``.

    synthsieve run ../shared/data/labeled/dev.jsonl.gz -o /tmp/no_lm
    synthsieve run ../shared/data/labeled/dev.jsonl.gz -o /tmp/with_lm --lm
    python bench/lm_e2e.py /tmp/no_lm /tmp/with_lm

Per data set (the input's ``dataset`` field, kept in ``metadata``): documents, how many the LM scored, the labels of
each run, and the AUROC of ``p_synthetic`` (human against synthetic; mixed texts left out) over the LM-scored
documents in each run. The detectors were trained on this labelled set, so the AUROCs are in-sample: the
leave-one-data-set-out figures are in ``detectors/models/lm_v2.json`` (``synthsieve train --stage lm``).
"""

from __future__ import annotations

import argparse
import json

import duckdb
import numpy as np

from synthsieve.detectors.metrics import auroc
from synthsieve.schemas.records import LABELS

QUERY = """
select coalesce(a.metadata['dataset'], '(none)') as dataset, a.metadata['label'] as truth,
       a.label as label_a, b.label as label_b, a.p_synthetic as p_a, b.p_synthetic as p_b, b.lm_v2__p is not null as lm
from read_parquet('{a}/label=*/*.parquet', hive_partitioning=true) a
join read_parquet('{b}/label=*/*.parquet', hive_partitioning=true) b using (id)
"""


def compare(without_lm: str, with_lm: str) -> dict:
    rows = duckdb.sql(QUERY.format(a=without_lm, b=with_lm)).fetchnumpy()
    report = {}
    for dataset in [*sorted(set(rows["dataset"].tolist())), "all"]:
        mine = np.ones(len(rows["dataset"]), bool) if dataset == "all" else rows["dataset"] == dataset
        scored = mine & rows["lm"]
        pure = scored & np.isin(rows["truth"], ["human", "synthetic"])
        y = rows["truth"][pure] == "synthetic"
        entry = {"documents": int(mine.sum()), "lm_scored": int(scored.sum())}
        for run in ("a", "b"):
            labels = rows[f"label_{run}"][mine]
            entry[f"labels_{run}"] = {label: int((labels == label).sum()) for label in LABELS}
            both = len(set(y.tolist())) == 2
            entry[f"auroc_lm_scored_{run}"] = round(auroc(y, rows[f"p_{run}"][pure]), 3) if both else None
        report[dataset] = entry
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("without_lm")
    parser.add_argument("with_lm")
    args = parser.parse_args()
    print(json.dumps(compare(args.without_lm, args.with_lm), indent=1))


if __name__ == "__main__":
    main()
