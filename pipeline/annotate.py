"""Turns a batch of raw documents into scored, labelled documents (pure: no Beam, testable without a runner)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from synthsieve import __version__
from synthsieve.config import Config
from synthsieve.detectors import registry
from synthsieve.detectors.calibration import SourceThreshold, lookup, source_key
from synthsieve.detectors.decide import Evidence, combine, label
from synthsieve.detectors.gate import gate, word_counts
from synthsieve.provenance.dates import best_date, era, parse_date
from synthsieve.provenance.disclosure import disclosure_markers
from synthsieve.provenance.ids import content_hash, stable_id
from synthsieve.provenance.language import detect_languages
from synthsieve.provenance.urls import registered_domain
from synthsieve.readers.html import html_to_text
from synthsieve.readers.records import dead_letter
from synthsieve.schemas.records import LABELS, document_schema, score_column


@dataclass
class Annotated:
    """One batch's result: labelled documents (row dicts with ``label``) and dead letters."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Scored:
    """A scored, not yet decided batch: the documents as one Arrow table (cheap to ship between workers), what the
    decision needs per document, and the batch's dead letters."""

    table: pa.Table | None
    evidence: Evidence | None
    sources: list[str]
    pre_llm: np.ndarray
    dead_letters: list[dict[str, Any]]


class Decider:
    """Labels scored batches and splits them into one table per label; needs no models."""

    def __init__(self, config: Config, schema: pa.Schema):
        self.config = config
        self.schema = schema

    def decide(self, scored: Scored, calibrated: dict[str, SourceThreshold]) -> dict[str, pa.Table]:
        """One table per label, each source judged by its calibrated thresholds, else the global ones."""
        if scored.table is None:
            return {}
        table, labels = self.labelled(scored, calibrated)
        return {lab: table.filter(labels == lab) for lab in LABELS if (labels == lab).any()}

    def labelled(self, scored: Scored, calibrated: dict[str, SourceThreshold]) -> tuple[pa.Table, np.ndarray]:
        """The batch's table with its final reasons, and the label of each row."""
        d = self.config.decision
        syn_t, hum_t, calibration = lookup(scored.sources, calibrated, d.synthetic_threshold, d.human_threshold)
        decisions = label(scored.evidence, syn_t, hum_t)
        reasons = scored.table.column("reasons").to_pylist()
        reasons = [[*r, *why, cal] for r, why, cal in zip(reasons, decisions.reasons, calibration)]
        column = pa.array(reasons, pa.list_(pa.string()))
        index = self.schema.get_field_index("reasons")
        table = scored.table.set_column(index, self.schema.field(index), column)
        return table, np.array(decisions.labels)


class Annotator:
    """Extracts, tags provenance, scores and decides, a batch at a time. Build once per worker: loads models."""

    def __init__(self, config: Config):
        self.config = config
        self.detectors = [registry.create(name) for name in config.detectors.enabled]
        self.detector_versions = {d.name: d.version for d in self.detectors}
        score_columns = [score_column(d.name, out) for d in self.detectors for out in d.outputs]
        self.decider = Decider(config, document_schema(score_columns))

    def annotate(self, raws: list[dict[str, Any]]) -> Annotated:
        """Scores and decides a batch with the global thresholds (no calibration), in input order."""
        scored = self.score(raws)
        if scored.table is None:
            return Annotated([], scored.dead_letters)
        table, labels = self.decider.labelled(scored, {})
        docs = [{**row, "label": lab} for row, lab in zip(table.to_pylist(), labels.tolist())]
        return Annotated(docs, scored.dead_letters)

    def score(self, raws: list[dict[str, Any]]) -> Scored:
        """Extracts, tags and scores a batch; records that cannot become documents become dead letters."""
        dead: list[dict[str, Any]] = []
        docs = [doc for raw in raws if (doc := self._prepare(raw, dead)) is not None]
        if not docs:
            return Scored(None, None, [], np.zeros(0, bool), dead)
        group = self.config.calibration.group_field
        sources = [source_key(d["domain"], d["metadata"], group) for d in docs]
        evidence = self._score(docs)
        evidence.reasons = []  # folded into the documents' reasons; not shipped twice
        pre_llm = np.array([d["era"] == "pre_llm" for d in docs], dtype=bool)
        return Scored(pa.Table.from_pylist(docs, schema=self.decider.schema), evidence, sources, pre_llm, dead)

    def reference_points(self, scored: Scored, all_documents: bool) -> list[tuple[str, float]]:
        """(source, p_synthetic) of the known-human references in a batch: every judged document of a
        ``--human-reference`` input, else judged pre-LLM documents; hard evidence never counts."""
        if scored.evidence is None:
            return []
        ev = scored.evidence
        use = ev.judged & ~ev.hard & (all_documents | scored.pre_llm)
        return [(scored.sources[i], float(ev.p_synthetic[i])) for i in np.flatnonzero(use)]

    def _prepare(self, raw: dict[str, Any], dead: list[dict[str, Any]]) -> dict[str, Any] | None:
        letter = _dead_letter_factory(raw)
        text, meta, reasons = raw["text"], None, []
        if raw["html"] is not None:
            try:
                text, meta = html_to_text(raw["html"])
            except Exception as exc:  # resiliparse raises assorted errors on hostile HTML; the record goes on
                dead.append(letter("extract", "extract_failed", f"{type(exc).__name__}: {exc}"))
                return None
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
        published = parse_date(meta.published_date if meta and meta.published_date else raw["date"])
        crawl = parse_date(raw["crawl_date"])
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
            "era": era(best_date(published or parse_date(metadata.get("last_modified")), crawl)),
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
        judged, gate_reasons = gate(texts, n_words, self.config.detectors.min_words)
        scores = {det.name: det.score(texts) for det in self.detectors}
        disclosures = [d["ai_disclosure"] for d in docs]
        evidence = combine(scores, judged, gate_reasons, disclosures, self.config.decision.marker_p)
        for i, doc in enumerate(docs):
            doc.update(
                lang=langs[i],
                lang_confidence=float(confidences[i]),
                n_words=int(n_words[i]),
                p_synthetic=float(evidence.p_synthetic[i]),
                reasons=doc["reasons"] + evidence.reasons[i],
            )
            for det in self.detectors:
                for out in det.outputs:
                    doc[score_column(det.name, out)] = float(scores[det.name][out][i])
        return evidence


def _dead_letter_factory(raw: dict[str, Any]):
    def letter(stage: str, reason: str, message: str) -> dict[str, Any]:
        preview = raw["text"] if raw["text"] is not None else raw["html"]
        return dead_letter(
            raw["source_uri"], raw["source_offset"], raw["source_format"], stage, reason, message, preview
        )

    return letter
