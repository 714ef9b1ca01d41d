"""The second stage: ``lm_v1`` re-scores the documents the fast first stage cannot decide (pure: no Beam).

Its P(synthetic) joins the first-stage detectors' mean like any detector's, before near-duplicate signals, per-source
calibration and the decision; documents it did not score keep null ``lm_v1__*`` columns.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import xxhash

from synthsieve.config import Config
from synthsieve.detectors import registry
from synthsieve.detectors.decide import Evidence
from synthsieve.pipeline.annotate import LM_DETECTOR, Scored, replace_column
from synthsieve.schemas.records import score_column


def sample_fraction(ids: list[str]) -> np.ndarray:
    """A uniform number in [0, 1) per id, from its xxh3-64 hash: the audit sample is the same on every run."""
    return np.array([xxhash.xxh3_64_intdigest(i.encode()) for i in ids], dtype=np.float64) / 2.0**64


def selected(scored: Scored, config: Config) -> np.ndarray:
    """Indices of a batch's documents that the LM scores.

    Only judged documents without hard evidence are candidates (the gate's and the markers' decisions stand). Of
    those: every one with ``lm.scope: all``; else the ones whose first-stage ``p_synthetic`` lies strictly between
    the global thresholds, plus the ``lm.sample_rate`` share of the others picked by id hash, for auditing.
    """
    ev, lm, d = scored.evidence, config.lm, config.decision
    candidates = ev.judged & ~ev.hard
    if lm.scope == "all":
        return np.flatnonzero(candidates)
    chosen = candidates & (ev.p_synthetic > d.human_threshold) & (ev.p_synthetic < d.synthetic_threshold)
    if lm.sample_rate > 0:
        ids = scored.table.column("id").to_pylist()
        chosen |= candidates & (sample_fraction(ids) < lm.sample_rate)
    return np.flatnonzero(chosen)


class SecondStage:
    """Loads ``lm_v1`` once (``config.lm``) and re-scores the selected documents of scored batches."""

    def __init__(self, config: Config):
        lm = config.lm
        self.config = config
        self.detector = registry.create(
            LM_DETECTOR,
            model_path=lm.model_path or None,
            weights_path=lm.weights_path or None,
            max_tokens=lm.max_tokens,
            batch_size=lm.batch_size,
            device=lm.device,
            threads=lm.threads,
        )
        enabled = [registry.factory(name) for name in config.detectors.enabled]
        self.first_stage_p = sum("p" in det.outputs for det in enabled)

    def rescore(self, scored: Scored) -> tuple[Scored, int]:
        """The batch with the LM's scores joined in, and how many documents the LM scored."""
        if scored.table is None:
            return scored, 0
        index = selected(scored, self.config)
        if len(index) == 0:
            return scored, 0
        texts = scored.table.column("text").take(pa.array(index)).to_pylist()
        return joined(scored, index, self.detector.score(texts), self.first_stage_p), len(index)


def joined(scored: Scored, index: np.ndarray, scores: dict[str, np.ndarray], first_stage_p: int) -> Scored:
    """``scored`` with the LM ``scores`` of the documents at ``index``: the ``lm_v1__*`` columns, ``p_synthetic`` the
    mean of the ``first_stage_p`` first-stage probabilities and the LM's, and the reason ``lm_v1:p=..``."""
    ev, table, n = scored.evidence, scored.table, scored.table.num_rows
    p = ev.p_synthetic.copy()
    k = first_stage_p
    p[index] = ((k * p[index] + scores["p"]) / (k + 1)).astype(np.float32)
    scored_mask = np.zeros(n, dtype=bool)
    scored_mask[index] = True
    for name, values in scores.items():
        column = np.zeros(n, dtype=np.float32)
        column[index] = values
        table = replace_column(table, score_column(LM_DETECTOR, name), pa.array(column, mask=~scored_mask))
    table = replace_column(table, "p_synthetic", pa.array(p, pa.float32()))
    reasons = table.column("reasons").to_pylist()
    for i, lm_p in zip(index.tolist(), scores["p"].tolist()):
        reasons[i] = [*reasons[i], f"{LM_DETECTOR}:p={lm_p:.2f}"]
    table = replace_column(table, "reasons", pa.array(reasons, pa.list_(pa.string())))
    evidence = Evidence(p, ev.judged, ev.hard, ev.reasons)
    return Scored(
        table, evidence, scored.sources, scored.pre_llm, scored.dead_letters, scored.nodes, scored.fingerprints
    )
