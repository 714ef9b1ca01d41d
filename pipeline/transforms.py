"""Beam DoFns and CombineFns: thin wrappers that delegate to the pure readers, Annotator and calibration."""

from __future__ import annotations

import dataclasses
import io
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
from synthsieve.readers.files import FilePart, detect_format, parquet_parts, read_file
from synthsieve.readers.records import FILE_ERROR, dead_letter
from synthsieve.readers.retry import RetryingStream, is_transient
from synthsieve.schemas.records import DEAD_LETTER, INPUT, KNOWN_HUMAN, KNOWN_SYNTHETIC, SKIPPED

FILE_STATS = "file_stats"
KNOWN_HUMAN_POINTS = "known_human_points"  # (source, p_synthetic) that calibrate per-source thresholds
KNOWN_SYNTHETIC_POINTS = "known_synthetic_points"  # (source, p_synthetic): the synthetic share's references
SHARE_COUNTS = "share_counts"  # ((source, month), documents and p histogram): the synthetic share's mixtures
KNOWN_DOCUMENTS = "known_documents"  # ((role, source_uri), n): known-human or known-synthetic documents a batch used
LM_SELECTION = "lm_selection"  # a batch's documents the second stage re-scores (``lm_stage.Selection``)
LM_SCORES = "lm_scores"  # (batch key, ``lm_stage.LMScores``): the second stage's scores, joined at the decision
OUTPUT_BLOCK_BYTES = 32 << 20  # labelled rows gathered into one output table (one Parquet row group)
_READ_BUFFER = 1 << 20
_MODELS = Shared()  # the process's WorkerModels: every DoFn that scores, of any role, uses the same loaded models


class SplitFileFn(beam.DoFn):
    """One input path in; the parts its records are read in out: a Parquet file's runs of row groups
    (``readers.files.parquet_parts``), so that workers share a large file; any other file whole (the path).

    A file whose format cannot be told or whose footer cannot be read goes on whole: reading it dead-letters it.
    """

    def __init__(self, config: Config):
        self.config = config

    def process(self, path: str):
        reader, raw = self.config.reader, None
        try:
            if detect_format(path, reader.format) != "parquet":
                yield path
                return
            with _opened(path) as raw, io.BufferedReader(raw, _READ_BUFFER) as stream:
                parts = parquet_parts(stream, path, reader.split_bytes)
        except Exception as exc:
            if is_transient(exc):
                raise
            if raw is not None and raw.failure is not None:  # the footer's reader made its own error of it
                raise raw.failure from None  # the reader's error only stands for it
            parts = [path]
        yield from parts


class ReadFileFn(beam.DoFn):
    """One input path or ``FilePart`` in; batches of raw documents out, plus skipped records, dead letters and the
    count of records read (per part: the manifest sums a file's).

    A file that cannot be opened, or is not in its format, gives one ``unreadable_file`` dead letter (offset -1).
    A transient I/O error is retried where it happened (``readers.retry``), then raised: the runner retries the
    bundle and drops what this try emitted, even where the reader made the error a dead letter.
    """

    def __init__(self, config: Config, role: str = INPUT):
        self.config = config
        self.role = role

    def setup(self):
        self.read_counter = Metrics.counter("synthsieve", "documents_read")
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_read")
        self.skipped_counter = Metrics.counter("synthsieve", "skipped")

    def process(self, part: str | FilePart):
        reader = self.config.reader
        path, groups = (part.path, part.row_groups) if isinstance(part, FilePart) else (part, None)
        fmt, batch, read = reader.format, [], 0
        try:
            fmt = detect_format(path, reader.format)
            with _opened(path) as raw, io.BufferedReader(raw, _READ_BUFFER) as stream:
                settings = (reader.max_document_bytes, reader.batch_size, reader.fields, groups)
                records = read_file(stream, path, fmt, *settings)
                for kind, record in _checked(records, raw):
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
            if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit) or is_transient(exc):
                raise
            letter = dead_letter(path, -1, fmt, "open", FILE_ERROR, f"{type(exc).__name__}: {exc}")
            yield beam.pvalue.TaggedOutput(DEAD_LETTER, {**letter, "role": self.role})
        if batch:
            yield batch
        self.read_counter.inc(read)
        stats = {"source_uri": path, "source_format": fmt, "documents_read": read, "role": self.role}
        yield beam.pvalue.TaggedOutput(FILE_STATS, stats)


def _opened(path: str) -> RetryingStream:
    return RetryingStream(lambda: FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED))


def _checked(records, raw: RetryingStream):
    """``records`` until ``raw`` meets a transient error it could not retry away; that error is raised then, whatever
    the reader made of it (a dead letter, or an error of its own)."""
    try:
        for record in records:
            if raw.failure is not None:
                break
            yield record
    finally:
        if raw.failure is not None:
            raise raw.failure


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

    def setup(self):
        from synthsieve.pipeline.annotate import Annotator
        from synthsieve.pipeline.lm_stage import card_languages

        # The detectors load once per worker process and serve every thread's DoFn; each instance keeps its own
        # extractor (a child process).
        self.annotator = Annotator(self.config, worker_models(self.config).first_stage())
        self.lm_languages = card_languages(self.config) if self.config.lm.enabled else None
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_score")

    def teardown(self):
        self.annotator.extractor.close()

    def process(self, batch: list[dict[str, Any]]):
        from synthsieve.pipeline.annotate import Scored, failure_letter
        from synthsieve.pipeline.lm_stage import selection

        def failed(raw, exc):
            return Scored(None, None, [], np.zeros(0, bool), [failure_letter(raw, "score", exc)])

        results = in_isolation(batch, self.annotator.score, failed)
        for scored in results:
            if not self.known_human:
                yield from _share_counts(scored)
            chosen = selection(scored, self.config, self.lm_languages) if self.config.lm.enabled else None
            yield from _points_then_scored(scored, self.config, self.known_human, chosen)
        dead = [letter for scored in results for letter in scored.dead_letters]
        yield from _dead_letters(dead, self.role, self.dead_counter)
        if self.known_human:
            yield from _used(batch, dead, self.role)


class SecondStageFn(beam.DoFn):
    """A batch's ``Selection`` in; ``(batch key, LMScores)`` of ``lm_v2`` out (none for ``--known-human`` text),
    plus the (source, p) known-human points of the selected documents.

    Only the documents the LM re-scores reach this step, not their batches. The language model loads once per
    worker process, in ``setup`` (Beam's Shared); on Dataflow ``lm.accelerator`` puts this step on GPU workers
    through a resource hint.
    """

    def __init__(self, config: Config, known_human: bool = False):
        self.config = config
        self.known_human = known_human

    def setup(self):
        self.detector = worker_models(self.config).lm()
        self.scored_counter = Metrics.counter("synthsieve", "lm_scored")

    def process(self, chosen):
        from synthsieve.pipeline.lm_stage import rescored

        scores = rescored(self.detector, chosen)
        self.scored_counter.inc(len(chosen.index))
        if self.known_human or self.config.calibration.use_pre_llm:
            p = scores.columns["p"].tolist()
            for i in np.flatnonzero(self.known_human | chosen.pre_llm).tolist():
                yield beam.pvalue.TaggedOutput(KNOWN_HUMAN_POINTS, (chosen.sources[i], p[i]))
        if not self.known_human:
            yield chosen.batch, scores


def _share_counts(scored):
    """The batch's share counts per (source, month) key, from its first-stage scores (``pipeline.share_counts``)."""
    from synthsieve.pipeline.share_counts import batch_counts

    if scored.table is None:
        return
    months = pc.strftime(scored.table.column("crawl_date"), format="%Y-%m").to_pylist()
    ev = scored.evidence
    for key, counts in batch_counts(scored.sources, months, ev.p_synthetic, ev.judged & ~ev.hard, ev.hard).items():
        yield beam.pvalue.TaggedOutput(SHARE_COUNTS, (key, counts))


def worker_models(config: Config):
    """The process's ``WorkerModels`` for ``config``, shared by every DoFn and thread (Beam's ``Shared``)."""
    from synthsieve.pipeline.models import WorkerModels

    return _MODELS.acquire(lambda: WorkerModels(config), tag=_model_tag(config))


def _model_tag(config: Config) -> str:
    """The key of the shared models: the settings they load with (another config loads its own)."""
    d = config.detectors
    settings = (d.enabled, d.min_words, config.decision.marker_p, dataclasses.asdict(config.lm))
    return json.dumps(settings, sort_keys=True)


def _points_then_scored(scored, config: Config, known_human: bool, chosen=None):
    """The batch's known-human points (tagged) but those of the documents the second stage re-scores (``chosen``,
    tagged next: it emits their points), then the batch itself unless it is ``--known-human`` text."""
    if known_human or config.calibration.use_pre_llm:
        rescored = chosen.index if chosen is not None else ()
        for point in known_human_points(scored, all_documents=known_human, leave_out=rescored):
            yield beam.pvalue.TaggedOutput(KNOWN_HUMAN_POINTS, point)
    if chosen is not None:
        yield beam.pvalue.TaggedOutput(LM_SELECTION, chosen)
    if not known_human and scored.table is not None:
        yield scored


class FingerprintFn(beam.DoFn):
    """A batch of raw known-synthetic documents in; their ``Fingerprints`` out (never labelled), plus their
    ``(source, p_synthetic)`` share references, dead letters and the documents used per file."""

    def __init__(self, config: Config):
        self.config = config

    def setup(self):
        from synthsieve.pipeline.annotate import Annotator

        # Not MinHash alone: the known-synthetic share references are these documents' first-stage p_synthetic.
        self.annotator = Annotator(self.config, worker_models(self.config).first_stage())
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
        from synthsieve.pipeline.lm_stage import with_scores
        from synthsieve.pipeline.staged import read_scored

        scored = Scored.concat([read_scored(path) for path in joined[1]["scored"]])
        for lm_scores in joined[1].get(LM_SCORES, ()):  # one batch key, one staged batch
            scored = with_scores(scored, lm_scores)
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
