"""Beam DoFns and CombineFns: thin wrappers that delegate to the pure readers, Annotator and calibration."""

from __future__ import annotations

from collections import Counter
from typing import Any

import apache_beam as beam
import numpy as np
import pyarrow as pa
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindows

from synthsieve.config import Config
from synthsieve.detectors.calibration import bin_of
from synthsieve.pipeline.annotate import reference_points
from synthsieve.pipeline.isolate import in_isolation
from synthsieve.readers.files import detect_format, read_file
from synthsieve.readers.records import dead_letter
from synthsieve.schemas.records import HUMAN_REFERENCE, INPUT, KNOWN_SYNTHETIC

DEAD_LETTER = "dead_letter"
FILE_STATS = "file_stats"
REFERENCES = "references"
REFERENCE_DOCUMENTS = "reference_documents"  # ((role, source_uri), n): reference documents a batch used
OUTPUT_BLOCK_BYTES = 32 << 20  # labelled rows gathered into one output table (one Parquet row group)


class ReadFileFn(beam.DoFn):
    """One input path in; batches of raw documents out, plus dead letters and the file's read count.

    A file that cannot be opened, or is not in its format, gives one ``unreadable_file`` dead letter (offset -1).
    """

    def __init__(self, config: Config, role: str = INPUT):
        self.config = config
        self.role = role

    def setup(self):
        self.read_counter = Metrics.counter("synthsieve", "documents_read")
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_read")

    def process(self, path: str):
        reader = self.config.reader
        fmt, batch, read = reader.format, [], 0
        try:
            fmt = detect_format(path, reader.format)
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                for kind, record in read_file(stream, path, fmt, reader.max_document_bytes, reader.batch_size):
                    read += 1
                    if kind == "dead":
                        self.dead_counter.inc()
                        yield beam.pvalue.TaggedOutput(DEAD_LETTER, {**record, "role": self.role})
                        continue
                    batch.append(record)
                    if len(batch) >= reader.batch_size:
                        yield batch
                        batch = []
        except BaseException as exc:  # noqa: B036 - a bad file must not end the run (Rust panics included)
            if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            letter = dead_letter(path, -1, fmt, "open", "unreadable_file", f"{type(exc).__name__}: {exc}")
            yield beam.pvalue.TaggedOutput(DEAD_LETTER, {**letter, "role": self.role})
        if batch:
            yield batch
        self.read_counter.inc(read)
        stats = {"source_uri": path, "source_format": fmt, "documents_read": read, "role": self.role}
        yield beam.pvalue.TaggedOutput(FILE_STATS, stats)


class ScoreFn(beam.DoFn):
    """A batch of raw documents in; the scored batch out, plus dead letters and (source, p) reference points.

    For a ``--human-reference`` input (``reference=True``) every judged document is a reference point, and the
    batch's documents are counted per file instead of going on; otherwise only pre-LLM documents are reference
    points, and only when the config says so. A record that makes scoring raise is dead-lettered (``score_failed``)
    and the rest of its batch is scored without it.
    """

    def __init__(self, config: Config, reference: bool = False):
        self.config = config
        self.reference = reference
        self.role = HUMAN_REFERENCE if reference else INPUT

    def setup(self):
        from synthsieve.pipeline.annotate import Annotator

        self.annotator = Annotator(self.config)  # models load once per worker, never per element
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_score")

    def teardown(self):
        self.annotator.extractor.close()

    def process(self, batch: list[dict[str, Any]]):
        from synthsieve.pipeline.annotate import Scored, failure_letter

        def failed(raw, exc):
            return Scored(None, None, [], np.zeros(0, bool), [failure_letter(raw, "score", exc)])

        results = in_isolation(batch, self.annotator.score, failed)
        for scored in results:
            if not self.config.lm.enabled:
                yield from _references_then_scored(scored, self.config, self.reference)
            elif scored.table is not None:  # the second stage changes p_synthetic: it emits the reference points
                yield scored
        dead = [letter for scored in results for letter in scored.dead_letters]
        yield from _dead_letters(dead, self.role, self.dead_counter)
        if self.reference:
            yield from _used(batch, dead, self.role)


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
    if not reference and scored.table is not None:
        yield scored


class FingerprintFn(beam.DoFn):
    """A batch of raw known-synthetic reference documents in; their ``Fingerprints`` out (never scored), plus dead
    letters and the documents used per file."""

    def __init__(self, config: Config):
        self.config = config

    def setup(self):
        from synthsieve.pipeline.annotate import Annotator

        self.annotator = Annotator(self.config)
        self.used = Metrics.counter("synthsieve", "known_synthetic_references")
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_known_synthetic")

    def teardown(self):
        self.annotator.extractor.close()

    def process(self, batch: list[dict[str, Any]]):
        from synthsieve.pipeline.annotate import failure_letter

        def failed(raw, exc):
            return None, [failure_letter(raw, "fingerprint", exc)]

        results = in_isolation(batch, self.annotator.fingerprint, failed)
        for fps, _ in results:
            if fps is not None:
                self.used.inc(fps.members.num_rows)
                yield fps
        dead = [letter for _, letters in results for letter in letters]
        yield from _dead_letters(dead, KNOWN_SYNTHETIC, self.dead_counter)
        yield from _used(batch, dead, KNOWN_SYNTHETIC)


def _dead_letters(letters: list[dict[str, Any]], role: str, counter):
    for letter in letters:
        counter.inc()
        yield beam.pvalue.TaggedOutput(DEAD_LETTER, {**letter, "role": role})


def _used(batch: list[dict[str, Any]], dead: list[dict[str, Any]], role: str):
    """Per file, the documents of a reference batch that did not become dead letters."""
    used = Counter(raw["source_uri"] for raw in batch)
    used.subtract(letter["source_uri"] for letter in dead)
    for uri, n in sorted(used.items()):
        yield beam.pvalue.TaggedOutput(REFERENCE_DOCUMENTS, ((role, uri), n))


class StageFn(beam.DoFn):
    """A scored batch in; ``(batch key, path)`` of its staged Parquet file out (``pipeline.staged``)."""

    def __init__(self, folder: str):
        self.folder = folder

    def process(self, scored):
        from synthsieve.pipeline.staged import write_scored

        yield write_scored(scored, self.folder)


class DecideFn(beam.DoFn):
    """A staged batch's path and its documents' near-duplicate rows, and the calibrated sources, in; pyarrow Tables
    of one label each out (tagged by label, plus ``deduplicated`` under ``--dedup``).

    A label's tables are gathered within a bundle up to ``OUTPUT_BLOCK_BYTES``, so the sinks write few large row
    groups instead of one small one per batch and label (half the write time, and what Parquet readers prefer).
    """

    def __init__(self, config: Config, schema):
        self.config = config
        self.schema = schema

    def setup(self):
        from synthsieve.pipeline.annotate import Decider

        self.decider = Decider(self.config, self.schema)
        self.counters: dict[str, Any] = {}

    def start_bundle(self):
        self.pending: dict[str, list[pa.Table]] = {}
        self.pending_bytes: Counter = Counter()

    def process(self, joined, calibrated: dict):
        from synthsieve.pipeline.annotate import Scored
        from synthsieve.pipeline.staged import read_scored

        scored = Scored.concat([read_scored(path) for path in joined[1]["scored"]])
        clustered = pa.concat_tables(joined[1]["clusters"]) if joined[1]["clusters"] else None
        for label, table in self.decider.decide(scored, calibrated, clustered).items():
            if label not in self.counters:
                self.counters[label] = Metrics.counter("synthsieve", f"label:{label}")
            self.counters[label].inc(table.num_rows)
            self.pending.setdefault(label, []).append(table)
            self.pending_bytes[label] += table.nbytes
            if self.pending_bytes[label] >= OUTPUT_BLOCK_BYTES:
                yield beam.pvalue.TaggedOutput(label, self._take(label))

    def finish_bundle(self):
        for label in list(self.pending):
            yield beam.pvalue.TaggedOutput(label, GlobalWindows.windowed_value(self._take(label)))

    def _take(self, label: str) -> pa.Table:
        del self.pending_bytes[label]
        return pa.concat_tables(self.pending.pop(label))


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
