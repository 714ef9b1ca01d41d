"""The committed models on labelled data (in-sample: they were trained on it), through the pipeline's scoring."""

from __future__ import annotations

import numpy as np

from synthsieve.config import Config
from synthsieve.pipeline.annotate import load_first_stage
from synthsieve_training.evaluation import Predictions, group_masks, labelled, metrics
from synthsieve_training.lodo import Corpus

NOTE = "in-sample: the committed models were trained on these texts, so the figures flatter them"
GROUPINGS = ("dataset", "lang", "domain", "attack", "family")


def evaluate_in_sample(rows: list[dict], config: Config) -> dict:
    """Metrics per data set, language, domain, attack and generator family at the configured thresholds."""
    corpus = Corpus.of(rows, config)
    scored = load_first_stage(config).score(corpus.texts, corpus.langs, corpus.n_words, corpus.disclosures)
    ev = scored.evidence
    pred = Predictions(corpus.fields(np.arange(len(rows))), ev.p_synthetic, np.array([]), ev.judged, ev.hard)
    d = config.decision
    pred = labelled(pred, d.synthetic_threshold, d.human_threshold)
    report = {"note": NOTE, "thresholds": {"synthetic": d.synthetic_threshold, "human": d.human_threshold}}
    for key in GROUPINGS:
        report[f"by_{key}"] = {value: metrics(pred.take(m)) for value, m in group_masks(pred, key).items()}
    return report | {"overall": metrics(pred)}
