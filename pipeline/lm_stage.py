"""The second stage: ``lm_v2`` re-scores the documents the fast first stage cannot decide (pure: no Beam).

For each document it scores, the LM's evidence and the first stage's log-odds are combined by ``lm_v2``'s card into
the document's ``p_synthetic``, before near-duplicate signals, per-source calibration and the decision; documents
it did not score keep null ``lm_v2__*`` columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import xxhash

from synthsieve.config import Config
from synthsieve.detectors.base import declared_languages
from synthsieve.detectors.decide import Evidence
from synthsieve.detectors.lm import LMV2, read_card
from synthsieve.detectors.stacker import logit
from synthsieve.pipeline.annotate import LM_DETECTOR, Scored, p_column, replace_column
from synthsieve.schemas.records import score_column


def sample_fraction(ids: list[str]) -> np.ndarray:
    """A uniform number in [0, 1) per id, from its xxh3-64 hash: the audit sample is the same on every run."""
    return np.array([xxhash.xxh3_64_intdigest(i.encode()) for i in ids], dtype=np.float64) / 2.0**64


def selected(scored: Scored, config: Config, languages: frozenset[str] | None) -> np.ndarray:
    """Indices of a batch's documents that the LM scores.

    Only judged documents without hard evidence, in ``languages`` (the LM card's; None: any), are candidates (the
    gate's and the markers' decisions stand). Of those: every one with ``lm.scope: all``; else the ones whose
    first-stage ``p_synthetic`` lies strictly between the global thresholds (``uncertain``) or below the synthetic
    one (``not_synthetic``), plus the ``lm.sample_rate`` share of the others picked by id hash, for auditing.
    """
    ev, lm, d = scored.evidence, config.lm, config.decision
    candidates = ev.judged & ~ev.hard
    if languages is not None:
        candidates &= np.isin(scored.table.column("lang").to_numpy(zero_copy_only=False), sorted(languages))
    if lm.scope == "all":
        return np.flatnonzero(candidates)
    low = d.human_threshold if lm.scope == "uncertain" else -np.inf
    chosen = candidates & (ev.p_synthetic > low) & (ev.p_synthetic < d.synthetic_threshold)
    if lm.sample_rate > 0:
        ids = scored.table.column("id").to_pylist()
        chosen |= candidates & (sample_fraction(ids) < lm.sample_rate)
    return np.flatnonzero(chosen)


@dataclass
class Selection:
    """The documents of one scored batch that the LM re-scores, and what it needs of them: all that travels to the
    LM's workers (GPU ones with ``lm.accelerator``) instead of the whole batch."""

    batch: int  # the batch's key (``Fingerprints.batch``): the LM's scores join it again at the decision
    index: np.ndarray  # the documents' rows in the batch
    texts: list[str]
    first_p: np.ndarray  # their first-stage p_synthetic, which the LM's evidence is combined with
    sources: list[str]  # their sources and eras: known-human points take the LM's p_synthetic
    pre_llm: np.ndarray


@dataclass
class LMScores:
    """The LM's output columns for the documents at ``index`` of batch ``batch``."""

    batch: int
    index: np.ndarray
    columns: dict[str, np.ndarray]


def card_languages(config: Config) -> frozenset[str] | None:
    """The languages ``lm_v2``'s card declares (None: any), read without loading the language model."""
    return declared_languages(read_card(config.lm.card_path or None))


def selection(scored: Scored, config: Config, languages: frozenset[str] | None) -> Selection | None:
    """What the LM needs of a batch's ``selected`` documents; None when it selects none."""
    if scored.table is None or len(index := selected(scored, config, languages)) == 0:
        return None
    texts = scored.table.column("text").take(pa.array(index)).to_pylist()
    sources = [scored.sources[i] for i in index.tolist()]
    first_p = scored.evidence.p_synthetic[index]
    return Selection(scored.fingerprints.batch, index, texts, first_p, sources, scored.pre_llm[index])


def load_lm(config: Config) -> LMV2:
    """``lm_v2`` as ``config.lm`` sets it up (model, card, device, dtype, batch size, threads)."""
    lm = config.lm
    return LMV2.load(
        lm.model_path or None,
        lm.card_path or None,
        lm.scope,
        batch_size=lm.batch_size,
        device=lm.device,
        threads=lm.threads,
        dtype=lm.dtype,
    )


def rescored(detector: LMV2, chosen: Selection) -> LMScores:
    """The LM's columns for the chosen documents, ``p`` combined with their first-stage log-odds."""
    columns = detector.score(chosen.texts).columns
    columns["p"] = detector.combine(columns["evidence"], logit(chosen.first_p))
    return LMScores(chosen.batch, chosen.index, columns)


def with_scores(scored: Scored, scores: LMScores) -> Scored:
    """The batch with the second stage's ``scores`` joined in (``joined``)."""
    return joined(scored, scores.index, scores.columns, LM_DETECTOR)


def joined(scored: Scored, index: np.ndarray, columns: dict[str, np.ndarray], name: str) -> Scored:
    """``scored`` with the LM's ``columns`` for the documents at ``index``: the ``{name}__*`` columns, its ``p`` as
    their ``p_synthetic``, and the reason ``{name}:p=..``."""
    ev, table, n = scored.evidence, scored.table, scored.table.num_rows
    p = ev.p_synthetic.copy()
    p[index] = columns["p"]
    scored_mask = np.zeros(n, dtype=bool)
    scored_mask[index] = True
    for output, values in columns.items():
        column = np.zeros(n, dtype=np.float32)
        column[index] = values
        table = replace_column(table, score_column(name, output), pa.array(column, mask=~scored_mask))
    table = replace_column(table, "p_synthetic", p_column(p))
    reasons = table.column("reasons").to_pylist()
    for i, lm_p in zip(index.tolist(), columns["p"].tolist()):
        reasons[i] = [*reasons[i], f"{name}:p={lm_p:.2f}"]
    table = replace_column(table, "reasons", pa.array(reasons, pa.list_(pa.string())))
    evidence = Evidence(p, ev.judged, ev.hard, ev.reasons)
    return Scored(
        table, evidence, scored.sources, scored.pre_llm, scored.dead_letters, scored.nodes, scored.fingerprints
    )
