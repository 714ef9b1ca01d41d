"""Beam DoFns and CombineFns: thin wrappers that delegate to the pure readers, Annotator and calibration."""

from __future__ import annotations

from collections import Counter
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from synthsieve.config import Config
from synthsieve.detectors.calibration import bin_of
from synthsieve.pipeline.annotate import reference_points
from synthsieve.readers.files import detect_format, read_file
from synthsieve.readers.records import dead_letter

DEAD_LETTER = "dead_letter"
FILE_STATS = "file_stats"
REFERENCES = "references"


class ReadFileFn(beam.DoFn):
    """One input path in; batches of raw documents out, plus dead letters and the file's read count."""

    def __init__(self, config: Config):
        self.config = config

    def setup(self):
        self.read_counter = Metrics.counter("synthsieve", "documents_read")
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_read")

    def process(self, path: str):
        reader = self.config.reader
        fmt, batch, read = detect_format(path, reader.format), [], 0
        try:
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                for kind, record in read_file(stream, path, fmt, reader.max_document_bytes, reader.batch_size):
                    read += 1
                    if kind == "dead":
                        self.dead_counter.inc()
                        yield beam.pvalue.TaggedOutput(DEAD_LETTER, record)
                        continue
                    batch.append(record)
                    if len(batch) >= reader.batch_size:
                        yield batch
                        batch = []
        except Exception as exc:  # an unreadable or corrupt file must not end the run: it is dead-lettered
            yield beam.pvalue.TaggedOutput(
                DEAD_LETTER, dead_letter(path, -1, fmt, "open", "unreadable_file", f"{type(exc).__name__}: {exc}")
            )
        if batch:
            yield batch
        self.read_counter.inc(read)
        yield beam.pvalue.TaggedOutput(FILE_STATS, {"source_uri": path, "source_format": fmt, "documents_read": read})


class ScoreFn(beam.DoFn):
    """A batch of raw documents in; the scored batch out, plus dead letters and (source, p) reference points.

    For a ``--human-reference`` input (``reference=True``) every judged document is a reference point; otherwise
    only pre-LLM documents are, and only when the config says so.
    """

    def __init__(self, config: Config, reference: bool = False):
        self.config = config
        self.reference = reference

    def setup(self):
        from synthsieve.pipeline.annotate import Annotator

        self.annotator = Annotator(self.config)  # models load once per worker, never per element
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_score")

    def process(self, batch: list[dict[str, Any]]):
        scored = self.annotator.score(batch)
        for letter in scored.dead_letters:
            self.dead_counter.inc()
            yield beam.pvalue.TaggedOutput(DEAD_LETTER, letter)
        if self.config.lm.enabled:  # the second stage changes p_synthetic: it emits the reference points
            yield scored
            return
        yield from _references_then_scored(scored, self.config, self.reference)


class SecondStageFn(beam.DoFn):
    """A scored batch in; the same batch with ``lm_v1``'s scores joined in out, plus (source, p) reference points.

    The language model loads once per worker, in ``setup``; on Dataflow ``lm.accelerator`` puts this step on GPU
    workers through a resource hint.
    """

    def __init__(self, config: Config, reference: bool = False):
        self.config = config
        self.reference = reference

    def setup(self):
        from synthsieve.pipeline.lm_stage import SecondStage

        self.stage = SecondStage(self.config)
        self.scored_counter = Metrics.counter("synthsieve", "lm_scored")

    def process(self, scored):
        scored, n = self.stage.rescore(scored)
        self.scored_counter.inc(n)
        yield from _references_then_scored(scored, self.config, self.reference)


def _references_then_scored(scored, config: Config, reference: bool):
    """The batch's reference points (tagged), then the batch itself unless it is known-human reference text."""
    if reference or config.calibration.use_pre_llm:
        for point in reference_points(scored, all_documents=reference):
            yield beam.pvalue.TaggedOutput(REFERENCES, point)
    if not reference:
        yield scored


class FingerprintFn(beam.DoFn):
    """A batch of raw known-synthetic reference documents in; their ``Fingerprints`` out (never scored)."""

    def __init__(self, config: Config):
        self.config = config

    def setup(self):
        from synthsieve.pipeline.annotate import Annotator

        self.annotator = Annotator(self.config)
        self.used = Metrics.counter("synthsieve", "known_synthetic_references")
        self.unusable = Metrics.counter("synthsieve", "known_synthetic_references_without_text")

    def process(self, batch: list[dict[str, Any]]):
        fps, unusable = self.annotator.fingerprint(batch)
        self.unusable.inc(unusable)
        if fps is not None:
            self.used.inc(fps.members.num_rows)
            yield fps


class DecideFn(beam.DoFn):
    """A partition's scored documents and near-duplicate clusters, and the calibrated sources, in; one pyarrow
    Table per label out (tagged by label, plus ``deduplicated`` under ``--dedup``)."""

    def __init__(self, config: Config, schema):
        self.config = config
        self.schema = schema

    def setup(self):
        from synthsieve.pipeline.annotate import Decider

        self.decider = Decider(self.config, self.schema)
        self.counters: dict[str, Any] = {}

    def process(self, joined, calibrated: dict):
        from synthsieve.pipeline.annotate import Scored

        scored = Scored.concat(joined[1]["scored"])
        clustered = pa.concat_tables(joined[1]["clusters"]) if joined[1]["clusters"] else None
        for label, table in self.decider.decide(scored, calibrated, clustered).items():
            if label not in self.counters:
                self.counters[label] = Metrics.counter("synthsieve", f"label:{label}")
            self.counters[label].inc(table.num_rows)
            yield beam.pvalue.TaggedOutput(label, table)


class HistogramFn(beam.CombineFn):
    """Fixed-bin histogram of reference scores; merging is exact, so any split of the work gives the same."""

    def create_accumulator(self) -> Counter:
        return Counter()

    def add_input(self, acc: Counter, p: float) -> Counter:
        acc[bin_of(p)] += 1
        return acc

    def merge_accumulators(self, accumulators) -> Counter:
        merged = Counter()
        for acc in accumulators:
            merged.update(acc)
        return merged

    def extract_output(self, acc: Counter) -> Counter:
        return acc
