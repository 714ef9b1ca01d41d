"""Turns a batch of raw documents into scored, labelled documents (pure: no Beam, testable without a runner)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from synthsieve import __version__
from synthsieve.config import Config
from synthsieve.dedup.clusters import near_dup_columns, near_duplicates
from synthsieve.dedup.fingerprints import Fingerprints, fingerprints
from synthsieve.detectors import registry, share
from synthsieve.detectors.calibration import SourceThreshold, lookup, source_key
from synthsieve.detectors.decide import Evidence, label, with_near_duplicates
from synthsieve.detectors.gate import word_counts
from synthsieve.detectors.scoring import FirstStage
from synthsieve.provenance.dates import best_date, era, parse_date
from synthsieve.provenance.disclosure import disclosure_markers
from synthsieve.provenance.ids import content_hash, stable_id
from synthsieve.provenance.language import detect_languages
from synthsieve.provenance.urls import registered_domain
from synthsieve.readers.extract import Extractor
from synthsieve.readers.html_guard import HtmlRejected
from synthsieve.readers.records import dead_letter
from synthsieve.schemas.records import (
    CLUSTER_SCHEMA,
    DEDUPLICATED,
    DEDUPLICATED_SCHEMA,
    LABELS,
    SOURCE_PRIOR_FIELD,
    document_schema,
    score_column,
    scored_schema,
)

LM_DETECTOR = "lm_v2"  # the second-stage detector (``pipeline.lm_stage``)


@dataclass
class Annotated:
    """One batch's result: labelled documents (row dicts with ``label``) and dead letters."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Scored:
    """A scored, not yet decided batch: the documents as one Arrow table (cheap to ship between workers), what the
    decision needs per document, the near-duplicate node keys and fingerprints, and the batch's dead letters."""

    table: pa.Table | None
    evidence: Evidence | None
    sources: list[str]
    pre_llm: np.ndarray
    dead_letters: list[dict[str, Any]]
    nodes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    fingerprints: Fingerprints | None = None

    @staticmethod
    def concat(parts: list[Scored]) -> Scored:
        """Scored documents of several batches as one (parts without documents are skipped)."""
        parts = [s for s in parts if s.table is not None and s.table.num_rows]
        if not parts:
            return Scored(None, None, [], np.zeros(0, bool), [])
        evidence = Evidence(*(np.concatenate([getattr(s.evidence, k) for s in parts]) for k in _ARRAYS), [])
        return Scored(
            pa.concat_tables([s.table for s in parts]),
            evidence,
            [src for s in parts for src in s.sources],
            np.concatenate([s.pre_llm for s in parts]),
            [],
            np.concatenate([s.nodes for s in parts]),
        )


_ARRAYS = ("p_synthetic", "judged", "hard")


def known_human_points(scored: Scored, all_documents: bool, leave_out=()) -> list[tuple[str, float]]:
    """(source, p_synthetic) of the known-human documents in a batch: every judged document of a
    ``--known-human`` input, else judged pre-LLM documents; hard evidence never counts, nor do the rows at
    ``leave_out``."""
    if scored.evidence is None:
        return []
    ev = scored.evidence
    use = ev.judged & ~ev.hard & (all_documents | scored.pre_llm)
    use[np.asarray(leave_out, dtype=np.int64)] = False
    return [(scored.sources[i], float(ev.p_synthetic[i])) for i in np.flatnonzero(use)]


class Decider:
    """Labels scored batches, with their near-duplicate clusters, and splits them into one table per label."""

    def __init__(self, config: Config, schema: pa.Schema):
        self.config = config
        self.schema = schema

    def decide(
        self,
        scored: Scored,
        calibrated: dict[str, SourceThreshold],
        clustered: pa.Table | None = None,
        priors: Mapping[str | None, tuple[float, int]] | None = None,
    ) -> dict[str, pa.Table]:
        """One table per label (and ``DEDUPLICATED`` for the copies ``--dedup`` leaves out), each source judged by
        its calibrated thresholds, else the global ones."""
        if scored.table is None:
            return {}
        table, labels = self.labelled(scored, calibrated, clustered, priors)
        copy = np.zeros(len(labels), dtype=bool)
        if self.config.dedup.drop_duplicates:
            copy = ~table.column("is_canonical").to_numpy(zero_copy_only=False) & (labels != "synthetic")
        out = {lab: table.filter(mask) for lab in LABELS if (mask := (labels == lab) & ~copy).any()}
        if copy.any():
            dropped = table.filter(copy).select(["id", "source_uri", "near_dup_cluster"])
            out[DEDUPLICATED] = dropped.append_column("label", pa.array(labels[copy])).cast(DEDUPLICATED_SCHEMA)
        return out

    def labelled(
        self,
        scored: Scored,
        calibrated: dict[str, SourceThreshold],
        clustered: pa.Table | None = None,
        priors: Mapping[str | None, tuple[float, int]] | None = None,
    ) -> tuple[pa.Table, np.ndarray]:
        """The batch's table with its near-duplicate columns, final ``p_synthetic``, source posterior and reasons,
        and each label. ``priors``: per source (None: the corpus), its estimated synthetic share and scored
        documents."""
        d, n = self.config.decision, self.config.dedup
        table = scored.table
        ids = table.column("id").to_pylist()
        near = near_dup_columns(scored.nodes, ids, table.column("domain"), clustered or CLUSTER_SCHEMA.empty_table())
        count = near["near_dup_count"].to_numpy()
        n_domains = near["near_dup_domain_count"].to_numpy()
        known = near["near_dup_known_synthetic"].to_numpy(zero_copy_only=False)
        evidence, dup_reasons = with_near_duplicates(
            scored.evidence, count, n_domains, known, n.farm_min_domains, n.farm_logit, n.known_synthetic_p
        )
        posterior = source_posterior(evidence, scored.sources, known, priors or {})
        decided_on = evidence
        if d.source_prior:  # where no share could be estimated, p_synthetic decides
            p = np.where(np.isnan(posterior), evidence.p_synthetic, posterior).astype(np.float32)
            decided_on = dataclasses.replace(evidence, p_synthetic=p)
        syn_t, hum_t, calibration = lookup(scored.sources, calibrated, d.synthetic_threshold, d.human_threshold)
        decisions = label(decided_on, syn_t, hum_t)
        reasons = table.column("reasons").to_pylist()
        reasons = [
            [*r, *dup, *why, cal] for r, dup, why, cal in zip(reasons, dup_reasons, decisions.reasons, calibration)
        ]
        table = replace_column(table, "reasons", pa.array(reasons, pa.list_(pa.string())))
        table = replace_column(table, "p_synthetic", p_column(evidence.p_synthetic))
        for name, column in near.items():
            table = table.append_column(self.schema.field(name), column)
        table = table.append_column(SOURCE_PRIOR_FIELD, p_column(posterior))
        return table.cast(self.schema), np.array(decisions.labels)


def source_posterior(
    evidence: Evidence, sources: list[str], known: np.ndarray, priors: Mapping[str | None, tuple[float, int]]
) -> np.ndarray:
    """``P(synthetic | scores, source)``: each ``p_synthetic`` with its source's synthetic share (shrunk towards
    the corpus's; the corpus's where the source has none) as prior; hard evidence and known-synthetic copies keep
    their ``p_synthetic``; NaN where there is no ``p_synthetic`` or no share at all."""
    corpus = priors.get(None)
    if corpus is None:
        return np.full(len(sources), np.nan)
    of_source = {s: share.shrunk(*priors[s], corpus[0]) if s in priors else corpus[0] for s in set(sources)}
    prior = np.array([of_source[s] for s in sources], dtype=np.float64)
    p = evidence.p_synthetic.astype(np.float64)
    return np.where(evidence.hard | known, p, share.with_prior(p, prior))


def replace_column(table: pa.Table, name: str, column: pa.Array) -> pa.Table:
    """``table`` with its column ``name`` replaced by ``column`` (cast to the column's type)."""
    index = table.schema.get_field_index(name)
    field = table.schema.field(index)
    return table.set_column(index, field, column.cast(field.type))


def p_column(p: np.ndarray) -> pa.Array:
    """``p_synthetic`` as a column: null where NaN (no detector scored the document)."""
    return pa.array(p, pa.float32(), from_pandas=True)


class Annotator:
    """Extracts, tags provenance, scores and decides, a batch at a time. Build once per worker.

    Args:
        config: the run configuration.
        first_stage: the loaded detectors, shared between the annotators of a process; loaded here when None.
    """

    def __init__(self, config: Config, first_stage: FirstStage | None = None):
        self.config = config
        self.first_stage = first_stage or load_first_stage(config)
        detectors = self.first_stage.detectors
        self.detector_versions = {d.name: d.version for d in detectors}
        score_columns = [score_column(d.name, out.name) for d in detectors for out in d.outputs]
        if config.lm.enabled:  # the second stage fills these for the documents it scores; null elsewhere
            lm = registry.factory(LM_DETECTOR)
            score_columns += [score_column(lm.name, out.name) for out in lm.outputs]
            self.detector_versions[lm.name] = lm.version
        self.scored_schema = scored_schema(score_columns)
        self.decider = Decider(config, document_schema(score_columns))
        self.minhash = config.dedup.params()
        r = config.reader
        self.extractor = Extractor(r.max_html_depth, r.max_html_attributes, r.extract_timeout_s)

    def annotate(self, raws: list[dict[str, Any]]) -> Annotated:
        """Scores and decides a batch with the global thresholds (no calibration), clustered within the batch, in
        input order."""
        scored = self.score(raws)
        if scored.table is None:
            return Annotated([], scored.dead_letters)
        clustered, _ = near_duplicates(scored.fingerprints, self.minhash, self.config.dedup.verify_threshold)
        table, labels = self.decider.labelled(scored, {}, clustered)
        docs = [{**row, "label": lab} for row, lab in zip(table.to_pylist(), labels.tolist())]
        return Annotated(docs, scored.dead_letters)

    def score(self, raws: list[dict[str, Any]]) -> Scored:
        """Extracts, tags and scores a batch; records that cannot become documents become dead letters."""
        dead: list[dict[str, Any]] = []
        docs = self._prepared(raws, dead)
        if not docs:
            return Scored(None, None, [], np.zeros(0, bool), dead)
        group = self.config.calibration.group_field
        sources = [source_key(d["domain"], d["metadata"], group) for d in docs]
        evidence = self._score(docs)
        evidence.reasons = []  # folded into the documents' reasons; not shipped twice
        pre_llm = np.array([d["era"] == "pre_llm" for d in docs], dtype=bool)
        fps = fingerprints(docs, self.minhash)
        table = pa.Table.from_pylist(docs, schema=self.scored_schema)
        return Scored(table, evidence, sources, pre_llm, dead, fps.nodes, fps)

    def fingerprint(self, raws: list[dict[str, Any]]) -> tuple[Fingerprints | None, list[tuple[str, float]], list]:
        """Fingerprints of known-synthetic text, its ``(source, p_synthetic)`` reference points for the synthetic
        share (documents a detector scored, without hard evidence), and the dead letters of the records without
        usable text."""
        dead: list[dict[str, Any]] = []
        docs = self._prepared(raws, dead)
        if not docs:
            return None, [], dead
        ev = self._score(docs)
        group = self.config.calibration.group_field
        points = [
            (source_key(docs[i]["domain"], docs[i]["metadata"], group), float(ev.p_synthetic[i]))
            for i in np.flatnonzero(ev.judged & ~ev.hard)
        ]
        return fingerprints(docs, self.minhash, known_synthetic=True), points, dead

    def _prepared(self, raws: list[dict[str, Any]], dead: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The raws that have text after extraction (HTML bodies extracted as one batch), as documents with their
        provenance; the others go to ``dead``."""
        extracted = iter(self.extractor.extract_all([raw["html"] for raw in raws if raw["html"] is not None]))
        prepared = (self._prepare(raw, dead, next(extracted) if raw["html"] is not None else None) for raw in raws)
        return [doc for doc in prepared if doc is not None]

    def _prepare(self, raw: dict[str, Any], dead: list[dict[str, Any]], extracted: Any) -> dict[str, Any] | None:
        letter = _dead_letter_factory(raw)
        text, meta, reasons = raw["text"], None, []
        if isinstance(extracted, HtmlRejected):
            dead.append(letter("extract", extracted.reason, str(extracted)))
            return None
        if extracted is not None:
            text, meta = extracted
        if not text or not text.strip():
            dead.append(letter("extract", "empty_text", "no text after extraction"))
            return None
        limit = self.config.reader.max_text_chars
        if len(text) > limit:
            reasons.append(f"truncated:{len(text)}>{limit}")
            text = text[:limit]
        return self._provenance(raw, text, meta, reasons)

    def _provenance(self, raw: dict[str, Any], text: str, meta: Any, reasons: list[str]) -> dict[str, Any]:
        metadata = raw["metadata"] or {}
        published = parse_date(meta.published_date if meta and meta.published_date else raw["published_date"])
        crawl = parse_date(raw["crawl_date"])
        modified = (meta.modified_date if meta else None, metadata.get("last_modified"))
        digest = content_hash(text)
        return {
            "id": raw["id"] or stable_id(raw["source_uri"], raw["source_offset"], digest),
            "text": text,
            "content_hash": digest,
            "url": raw["url"],
            "domain": registered_domain(raw["url"]),
            "source_uri": raw["source_uri"],
            "source_offset": raw["source_offset"],
            "source_format": raw["source_format"],
            "warc_record_id": raw["warc_record_id"],
            "content_type": raw["content_type"],
            "crawl_date": crawl,
            "published_date": published,
            "era": era(best_date(published, crawl, *modified)),
            "ai_disclosure": disclosure_markers(
                text, meta.generator if meta else None, meta.digital_source_type if meta else None
            ),
            "metadata": metadata or None,
            "reasons": reasons,
            "pipeline_version": __version__,
            "detector_versions": self.detector_versions,
        }

    def _score(self, docs: list[dict[str, Any]]) -> Evidence:
        texts = [d["text"] for d in docs]
        langs, confidences = detect_languages(texts)
        n_words = word_counts(texts)
        scored = self.first_stage.score(texts, langs, n_words, [d["ai_disclosure"] for d in docs])
        evidence = scored.evidence
        p = evidence.p_synthetic.tolist()
        columns = {name: values.tolist() for name, values in scored.columns.items()}
        for i, doc in enumerate(docs):
            doc.update(
                lang=langs[i],
                lang_confidence=float(confidences[i]),
                n_words=int(n_words[i]),
                p_synthetic=None if p[i] != p[i] else p[i],  # NaN: no detector scored it
                reasons=doc["reasons"] + evidence.reasons[i],
            )
            for name, values in columns.items():
                doc[name] = None if values[i] != values[i] else values[i]  # NaN: the detector did not judge it
        return evidence


def load_first_stage(config: Config) -> FirstStage:
    """The configured first stage (``detectors.enabled`` and the packaged models)."""
    return FirstStage.load(config.detectors.enabled, config.detectors.min_words, config.decision.marker_p)


def failure_letter(raw: dict[str, Any], stage: str, exc: Exception) -> dict[str, Any]:
    """The dead letter of a raw document that made a stage raise (``{stage}_failed``)."""
    return _dead_letter_factory(raw)(stage, f"{stage}_failed", f"{type(exc).__name__}: {exc}")


def _dead_letter_factory(raw: dict[str, Any]):
    def letter(stage: str, reason: str, message: str) -> dict[str, Any]:
        preview = raw["text"] if raw["text"] is not None else raw["html"]
        return dead_letter(
            raw["source_uri"], raw["source_offset"], raw["source_format"], stage, reason, message, preview
        )

    return letter
