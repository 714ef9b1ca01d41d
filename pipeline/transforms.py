"""Beam DoFns and CombineFns: thin wrappers that delegate to the pure readers, Annotator and calibration."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from typing import Any

import apache_beam as beam
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindows
from apache_beam.utils.shared import Shared

from synthsieve.config import Config
from synthsieve.detectors.calibration import bin_of
from synthsieve.pipeline.annotate import known_human_points
from synthsieve.pipeline.isolate import in_isolation
from synthsieve.readers.files import detect_format, read_file
from synthsieve.readers.records import dead_letter
from synthsieve.schemas.records import INPUT, KNOWN_HUMAN, KNOWN_SYNTHETIC

DEAD_LETTER = "dead_letter"
SKIPPED = "skipped"
FILE_STATS = "file_stats"
KNOWN_HUMAN_POINTS = "known_human_points"  # (source, p_synthetic) that calibrate per-source thresholds
KNOWN_SYNTHETIC_POINTS = "known_synthetic_points"  # (source, p_synthetic): the synthetic share's references
SHARE_COUNTS = "share_counts"  # ((source, month), documents and p histogram): the synthetic share's mixtures
KNOWN_DOCUMENTS = "known_documents"  # ((role, source_uri), n): known-human or known-synthetic documents a batch used
OUTPUT_BLOCK_BYTES = 32 << 20  # labelled rows gathered into one output table (one Parquet row group)


class ReadFileFn(beam.DoFn):
    """One input path in; batches of raw documents out, plus skipped records, dead letters and the file's count of
    records read.

    A file that cannot be opened, or is not in its format, gives one ``unreadable_file`` dead letter (offset -1).
    """

    def __init__(self, config: Config, role: str = INPUT):
        self.config = config
        self.role = role

    def setup(self):
        self.read_counter = Metrics.counter("synthsieve", "documents_read")
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_read")
        self.skipped_counter = Metrics.counter("synthsieve", "skipped")

    def process(self, path: str):
        reader = self.config.reader
        fmt, batch, read = reader.format, [], 0
        try:
            fmt = detect_format(path, reader.format)
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                records = read_file(stream, path, fmt, reader.max_document_bytes, reader.batch_size, reader.fields)
                for kind, record in records:
                    read += 1
                    if kind == "dead":
                        self.dead_counter.inc()
                        yield beam.pvalue.TaggedOutput(DEAD_LETTER, {**record, "role": self.role})
                        continue
                    if kind == "skip":
                        self.skipped_counter.inc()
                        yield beam.pvalue.TaggedOutput(SKIPPED, {**record, "role": self.role})
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
    """A batch of raw documents in; the scored batch out, plus dead letters, (source, p) known-human points and,
    for input documents, the batch's synthetic-share counts per (source, month) from its first-stage scores.

    For a ``--known-human`` input (``known_human=True``) every judged document is a known-human point, and the
    batch's documents are counted per file instead of going on; otherwise only pre-LLM documents are known-human
    points, and only when the config says so. A record that makes scoring raise is dead-lettered (``score_failed``)
    and the rest of its batch is scored without it.
    """

    def __init__(self, config: Config, known_human: bool = False):
        self.config = config
        self.known_human = known_human
        self.role = KNOWN_HUMAN if known_human else INPUT
        self.models = Shared()

    def setup(self):
        from synthsieve.pipeline.annotate import Annotator, load_first_stage

        # The detectors load once per worker process and serve every thread's DoFn (Beam's Shared); each instance
        # keeps its own extractor (a child process).
        first_stage = self.models.acquire(lambda: load_first_stage(self.config), tag=_model_tag(self.config, "first"))
        self.annotator = Annotator(self.config, first_stage)
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_score")

    def teardown(self):
        self.annotator.extractor.close()

    def process(self, batch: list[dict[str, Any]]):
        from synthsieve.pipeline.annotate import Scored, failure_letter

        def failed(raw, exc):
            return Scored(None, None, [], np.zeros(0, bool), [failure_letter(raw, "score", exc)])

        results = in_isolation(batch, self.annotator.score, failed)
        for scored in results:
            if not self.known_human:
                yield from _share_counts(scored)
            if not self.config.lm.enabled:
                yield from _points_then_scored(scored, self.config, self.known_human)
            elif scored.table is not None:  # the second stage changes p_synthetic: it emits the known-human points
                yield scored
        dead = [letter for scored in results for letter in scored.dead_letters]
        yield from _dead_letters(dead, self.role, self.dead_counter)
        if self.known_human:
            yield from _used(batch, dead, self.role)


class SecondStageFn(beam.DoFn):
    """A scored batch in; the same batch with ``lm_v2``'s scores joined in out, plus (source, p) known-human points.

    The language model loads once per worker process, in ``setup`` (Beam's Shared); on Dataflow ``lm.accelerator``
    puts this step on GPU workers through a resource hint.
    """

    def __init__(self, config: Config, known_human: bool = False):
        self.config = config
        self.known_human = known_human
        self.models = Shared()

    def setup(self):
        from synthsieve.pipeline.lm_stage import SecondStage, load_lm

        detector = self.models.acquire(lambda: load_lm(self.config), tag=_model_tag(self.config, "lm"))
        self.stage = SecondStage(self.config, detector)
        self.scored_counter = Metrics.counter("synthsieve", "lm_scored")

    def process(self, scored):
        scored, n = self.stage.rescore(scored)
        self.scored_counter.inc(n)
        yield from _points_then_scored(scored, self.config, self.known_human)


def _share_counts(scored):
    """The batch's share counts per (source, month) key, from its first-stage scores (``pipeline.share_counts``)."""
    from synthsieve.pipeline.share_counts import batch_counts

    if scored.table is None:
        return
    months = pc.strftime(scored.table.column("crawl_date"), format="%Y-%m").to_pylist()
    ev = scored.evidence
    for key, counts in batch_counts(scored.sources, months, ev.p_synthetic, ev.judged & ~ev.hard, ev.hard).items():
        yield beam.pvalue.TaggedOutput(SHARE_COUNTS, (key, counts))


def _model_tag(config: Config, stage: str) -> str:
    """The key of a stage's shared models: the settings they load with (another config loads its own)."""
    settings = (config.detectors.enabled, config.detectors.min_words, config.decision.marker_p)
    return f"{stage}:{json.dumps(settings if stage == 'first' else dataclasses.asdict(config.lm), sort_keys=True)}"


def _points_then_scored(scored, config: Config, known_human: bool):
    """The batch's known-human points (tagged), then the batch itself unless it is ``--known-human`` text."""
    if known_human or config.calibration.use_pre_llm:
        for point in known_human_points(scored, all_documents=known_human):
            yield beam.pvalue.TaggedOutput(KNOWN_HUMAN_POINTS, point)
    if not known_human and scored.table is not None:
        yield scored


class FingerprintFn(beam.DoFn):
    """A batch of raw known-synthetic documents in; their ``Fingerprints`` out (never labelled), plus their
    ``(source, p_synthetic)`` share references, dead letters and the documents used per file."""

    def __init__(self, config: Config):
        self.config = config
        self.models = Shared()

    def setup(self):
        from synthsieve.pipeline.annotate import Annotator, load_first_stage

        first_stage = self.models.acquire(lambda: load_first_stage(self.config), tag=_model_tag(self.config, "first"))
        self.annotator = Annotator(self.config, first_stage)
        self.used = Metrics.counter("synthsieve", "known_synthetic_documents")
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_known_synthetic")

    def teardown(self):
        self.annotator.extractor.close()

    def process(self, batch: list[dict[str, Any]]):
        from synthsieve.pipeline.annotate import failure_letter

        def failed(raw, exc):
            return None, [], [failure_letter(raw, "fingerprint", exc)]

        results = in_isolation(batch, self.annotator.fingerprint, failed)
        for fps, points, _ in results:
            if fps is not None:
                self.used.inc(fps.members.num_rows)
                yield fps
            for point in points:
                yield beam.pvalue.TaggedOutput(KNOWN_SYNTHETIC_POINTS, point)
        dead = [letter for *_, letters in results for letter in letters]
        yield from _dead_letters(dead, KNOWN_SYNTHETIC, self.dead_counter)
        yield from _used(batch, dead, KNOWN_SYNTHETIC)


def _dead_letters(letters: list[dict[str, Any]], role: str, counter):
    for letter in letters:
        counter.inc()
        yield beam.pvalue.TaggedOutput(DEAD_LETTER, {**letter, "role": role})


def _used(batch: list[dict[str, Any]], dead: list[dict[str, Any]], role: str):
    """Per file, the documents of a known-human or known-synthetic batch that did not become dead letters."""
    used = Counter(raw["source_uri"] for raw in batch)
    used.subtract(letter["source_uri"] for letter in dead)
    for uri, n in sorted(used.items()):
        yield beam.pvalue.TaggedOutput(KNOWN_DOCUMENTS, ((role, uri), n))


class StageFn(beam.DoFn):
    """A scored batch in; ``(batch key, path)`` of its staged Parquet file out (``pipeline.staged``)."""

    def __init__(self, folder: str):
        self.folder = folder

    def process(self, scored):
        from synthsieve.pipeline.staged import write_scored

        yield write_scored(scored, self.folder)


class DecideFn(beam.DoFn):
    """A staged batch's path and its documents' near-duplicate rows, the calibrated sources and the sources'
    synthetic shares (priors), in; pyarrow Tables of one label each out (tagged by label, plus ``deduplicated``
    under ``--dedup``).

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

    def process(self, joined, calibrated: dict, priors: dict):
        from synthsieve.pipeline.annotate import Scored
        from synthsieve.pipeline.staged import read_scored

        scored = Scored.concat([read_scored(path) for path in joined[1]["scored"]])
        clustered = pa.concat_tables(joined[1]["clusters"]) if joined[1]["clusters"] else None
        for label, table in self.decider.decide(scored, calibrated, clustered, priors).items():
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
    """Fixed-bin histogram of known-human scores; merging is exact, so any split of the work gives the same."""

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


class ShareHistogramFn(beam.CombineFn):
    """Histogram of reference ``p_synthetic`` values in the synthetic share's bins; merging is exact."""

    def create_accumulator(self) -> np.ndarray:
        from synthsieve.detectors.share import BINS

        return np.zeros(BINS, np.int64)

    def add_input(self, acc: np.ndarray, p: float) -> np.ndarray:
        from synthsieve.detectors.share import bin_index

        acc[bin_index(np.array([p]))[0]] += 1
        return acc

    def merge_accumulators(self, accumulators) -> np.ndarray:
        return sum(accumulators, self.create_accumulator())

    def extract_output(self, acc: np.ndarray) -> np.ndarray:
        return acc


class ShareRowFn(beam.DoFn):
    """A key's summed share counts, and the per-source references, in; its ``SHARE_SCHEMA`` row out, for the
    corpus rows and the sources with at least ``share.min_documents`` scored documents."""

    def __init__(self, config: Config):
        self.config = config

    def setup(self):
        from synthsieve.detectors.share import load_reference

        self.shipped = load_reference()

    def process(self, key_counts, human: dict, synthetic: dict):
        from synthsieve.pipeline.share_counts import share_row

        key, counts = key_counts
        c = self.config.share
        if key[0] is None or counts[1:].sum() >= c.min_documents:  # hard-evidence and histogram documents
            yield share_row(key, counts, human, synthetic, self.shipped, c.min_references)
