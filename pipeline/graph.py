"""The Beam graph: read -> score -> stage -> [cluster near-duplicates, calibrate per source] -> decide -> write
Parquet partitioned by label.

Scored batches are staged as Parquet files (``pipeline.staged``) and decided batch by batch, joined with their
documents' near-duplicate rows (and second-stage scores) by batch key: the documents never go through a shuffle
after scoring."""

from __future__ import annotations

import dataclasses
import functools

import apache_beam as beam
from apache_beam.io.parquetio import WriteToParquet, WriteToParquetBatched

from synthsieve.config import Config
from synthsieve.detectors.calibration import calibrate
from synthsieve.pipeline.accounting import SumTallies, TallyFn
from synthsieve.pipeline.annotate import LM_DETECTOR
from synthsieve.pipeline.near_dup import CLUSTERS, CONVERGENCE, PER_CLUSTER, NearDuplicates
from synthsieve.pipeline.outputs import (
    CALIBRATED,
    COPIES_REMOVED,
    DEAD_LETTERS,
    FILES_READ,
    KNOWN_USED,
    NEAR_DUP_CLUSTERS,
    ROUNDS,
    SHARE,
    SKIPPED_RECORDS,
    label_folder,
)
from synthsieve.pipeline.tally import CALIBRATION as CALIBRATION_ROWS
from synthsieve.pipeline.tally import CONVERGENCE as CONVERGENCE_ROWS
from synthsieve.pipeline.tally import (
    add_dead_letter,
    add_documents,
    add_file_stats,
    add_known_documents,
    add_record,
    add_removed,
    add_share,
    add_skipped,
)
from synthsieve.pipeline.transforms import (
    FILE_STATS,
    KNOWN_DOCUMENTS,
    KNOWN_HUMAN_POINTS,
    KNOWN_SYNTHETIC_POINTS,
    LM_SCORES,
    LM_SELECTION,
    SHARE_COUNTS,
    DecideFn,
    FingerprintFn,
    HistogramFn,
    ReadFileFn,
    ScoreFn,
    SecondStageFn,
    ShareHistogramFn,
    ShareRowFn,
    SplitFileFn,
    StageFn,
)
from synthsieve.schemas.records import (
    CALIBRATION_SCHEMA,
    CONVERGENCE_SCHEMA,
    DEAD_LETTER,
    DEAD_LETTER_SCHEMA,
    DEDUPLICATED,
    DEDUPLICATED_SCHEMA,
    FILE_STATS_SCHEMA,
    INPUT,
    KNOWN_DOCUMENTS_SCHEMA,
    KNOWN_HUMAN,
    KNOWN_SYNTHETIC,
    LABELS,
    NEAR_DUP_CLUSTER_SCHEMA,
    SHARE_SCHEMA,
    SKIPPED,
    SKIPPED_SCHEMA,
    score_column,
)

PARQUET = dict(codec="zstd", file_name_suffix=".parquet")


def build(
    pipeline: beam.Pipeline,
    paths: list[str],
    out_dir: str,
    config: Config,
    schema,
    known_human: list[str] = (),
    known_synthetic: list[str] = (),
) -> tuple[list, beam.PCollection]:
    """Adds the whole job to ``pipeline``; every shard goes under ``out_dir``. Returns the sinks' results (the
    written file names), for a step that must wait until everything is written, and the run's accounting: one
    ``pipeline.tally.Tally`` of every record written, counted on the way to the sinks.

    Args:
        pipeline: the Beam pipeline to extend.
        paths: matched input files (one element each, so files are read in parallel).
        out_dir: folder (any Beam filesystem) that receives ``label=*/``, ``_near_dup_clusters/`` and
            ``_accounting/`` (dead letters and skipped records included), and the staged scored batches
            (``_scored/``, deleted by the final step).
        config: the run configuration.
        schema: the document schema for the configured detectors.
        known_human: matched files of known-human text that calibrate per-source thresholds (not labelled).
        known_synthetic: matched files of known-synthetic text: near-duplicates of it are synthetic (not labelled).
    """
    if config.dedup.partitions < 1:
        raise ValueError("dedup.partitions must be resolved first (pipeline.run.with_partitions)")
    if config.reader.rebalance == "auto":
        raise ValueError("reader.rebalance must be resolved first (pipeline.run.with_rebalance)")
    read = _read(pipeline, "", paths, config, INPUT)
    scored = _score(read.batches, "", config, known_human=False, spread=config.reader.rebalance == "always")
    ledger = _Ledger([read[DEAD_LETTER], scored[DEAD_LETTER]], [read[SKIPPED]], [read[FILE_STATS]], [])
    near, synthetic_points = _near_duplicates(pipeline, scored["scored"], config, known_synthetic, ledger)
    clusters = near[CLUSTERS]
    points = [scored[KNOWN_HUMAN_POINTS]]
    if known_human:
        human_read = _read(pipeline, "KnownHuman", known_human, config, KNOWN_HUMAN)
        human_scored = _score(human_read.batches, "KnownHuman", config, True)
        points.append(human_scored[KNOWN_HUMAN_POINTS])
        ledger.add(human_read, human_scored)
    if known_human or config.calibration.use_pre_llm:
        calibrated = (
            points
            | "AllKnownHuman" >> beam.Flatten()
            | "Histogram" >> beam.CombinePerKey(HistogramFn())
            | "Calibrate" >> beam.FlatMap(_calibrate, config)
        )
        thresholds = beam.pvalue.AsDict(calibrated)
    else:  # nothing can calibrate: no side input to wait for
        calibrated, thresholds = pipeline | "NoCalibration" >> beam.Create([]), {}
    shares = _synthetic_share(scored[SHARE_COUNTS], points, synthetic_points, config)
    priors = shares | "SourcePriors" >> beam.FlatMap(_prior)
    staged = scored["scored"] | "Stage" >> beam.ParDo(StageFn(out_dir))
    decide = DecideFn(config, schema)
    joins = {"scored": staged, "clusters": clusters}
    if config.lm.enabled:  # the second stage's scores join their batch here, where it is decided
        joins[LM_SCORES] = scored[LM_SCORES]
    decided = (
        joins
        | "JoinClusters" >> beam.CoGroupByKey()
        | "Decide" >> beam.ParDo(decide, thresholds, beam.pvalue.AsDict(priors)).with_outputs(*LABELS, DEDUPLICATED)
    )
    lm_column = score_column(LM_DETECTOR, "p") if config.lm.enabled else None
    sinks = _Sinks(out_dir)
    for label in LABELS:
        tally = functools.partial(add_documents, label=label, lm_column=lm_column)
        sinks.write(f"_{label}", decided[label], label_folder(label), schema, tally, batched=True)
    sinks.write("Deduplicated", decided[DEDUPLICATED], COPIES_REMOVED, DEDUPLICATED_SCHEMA, add_removed, batched=True)
    sinks.write("NearDupClusters", near[PER_CLUSTER], NEAR_DUP_CLUSTERS, NEAR_DUP_CLUSTER_SCHEMA, None, batched=True)
    ledger.write(sinks)
    sinks.write("Share", shares, SHARE, SHARE_SCHEMA, add_share)
    rounds = functools.partial(add_record, CONVERGENCE_ROWS, CONVERGENCE_SCHEMA)
    sinks.write("Convergence", near[CONVERGENCE], ROUNDS, CONVERGENCE_SCHEMA, rounds)
    calibration = calibrated | "CalibrationRows" >> beam.MapTuple(_calibration_row)
    calibrated_row = functools.partial(add_record, CALIBRATION_ROWS, CALIBRATION_SCHEMA)
    sinks.write("Calibration", calibration, CALIBRATED, CALIBRATION_SCHEMA, calibrated_row)
    return sinks.written, tuple(sinks.tallies) | "Accounting" >> SumTallies()


class _Sinks:
    """The job's sinks: each writes one folder of the run and tallies, on the way, what it writes there (the final
    step's counts, ``pipeline.accounting``)."""

    def __init__(self, out_dir: str):
        self.out_dir, self.written, self.tallies = out_dir, [], []

    def write(self, name: str, records, folder: str, schema, tally, batched: bool = False) -> None:
        """Writes ``records`` (pyarrow Tables if ``batched``, else dicts) to ``folder`` of the run as ``schema``
        Parquet shards, and counts each into the run's tally with ``tally`` (a ``pipeline.tally.add_*``; None: only
        the rows, checked against the shards)."""
        sink = WriteToParquetBatched if batched else WriteToParquet
        self.tallies.append(records | f"Tally{name}" >> beam.ParDo(TallyFn(folder, tally)))
        path = f"{self.out_dir}/{folder}/part"
        self.written.append(records | f"Write{name}" >> sink(path, schema=schema, **PARQUET))


def _near_duplicates(pipeline: beam.Pipeline, scored, config: Config, known_synthetic: list[str], ledger: _Ledger):
    """``NearDuplicates``' outputs (the corpus's cluster rows, keyed by batch, a row per cluster, and how the rounds
    ended), and the known-synthetic documents' ``(source, p_synthetic)`` share references (None without
    ``known_synthetic`` files, which join the clustering as known-synthetic documents; their accounting goes to
    ``ledger``)."""
    fps = [scored | "Fingerprints" >> beam.FlatMap(lambda s: [s.fingerprints] if s.fingerprints else [])]
    points = None
    if known_synthetic:
        read = _read(pipeline, "KnownSynthetic", known_synthetic, config, KNOWN_SYNTHETIC)
        outputs = (DEAD_LETTER, KNOWN_DOCUMENTS, KNOWN_SYNTHETIC_POINTS)
        known = (
            read.batches
            | "SpreadKnownSynthetic" >> beam.Reshuffle()
            | beam.ParDo(FingerprintFn(config)).with_outputs(*outputs, main="fps")
        )
        fps.append(known.fps)
        points = known[KNOWN_SYNTHETIC_POINTS]
        ledger.add(read, known)
    d = config.dedup
    near = (
        fps
        | "AllFingerprints" >> beam.Flatten()
        | "NearDuplicates" >> NearDuplicates(d.params(), d.verify_threshold, d.rounds, d.partitions)
    )
    return near, points


def _synthetic_share(counts, human_points: list, synthetic_points, config: Config):
    """The synthetic share per source and crawl month (``SHARE_SCHEMA`` rows): the batches' counts summed per key,
    each estimated against the per-source reference histograms (side inputs)."""
    human = (
        human_points
        | "ShareKnownHuman" >> beam.Flatten()
        | "ShareHumanHistograms" >> beam.CombinePerKey(ShareHistogramFn())
    )
    synthetic = {}  # no --known-synthetic: every source takes the shipped synthetic reference
    if synthetic_points is not None:
        histograms = synthetic_points | "ShareSyntheticHistograms" >> beam.CombinePerKey(ShareHistogramFn())
        synthetic = beam.pvalue.AsDict(histograms)
    return (
        counts
        | "SumShareCounts" >> beam.CombinePerKey(sum)
        | "ShareRows" >> beam.ParDo(ShareRowFn(config), beam.pvalue.AsDict(human), synthetic)
    )


def _prior(row: dict):
    """``(source, (share, scored documents))`` of a row over all months (source None: the corpus), for the
    posterior with the source's share as prior."""
    if row["month"] is None and row["share"] is not None:
        yield row["source"], (row["share"], row["scored"])


def _read(pipeline: beam.Pipeline, prefix: str, paths: list[str], config: Config, role: str):
    return (
        pipeline
        | f"{prefix}Inputs" >> beam.Create(sorted(paths))
        | f"{prefix}SplitFiles" >> beam.ParDo(SplitFileFn(config))  # a large Parquet file: parts for many workers
        | f"{prefix}SpreadFiles" >> beam.Reshuffle()
        | f"{prefix}Read"
        >> beam.ParDo(ReadFileFn(config, role)).with_outputs(DEAD_LETTER, SKIPPED, FILE_STATS, main="batches")
    )


def _score(batches, prefix: str, config: Config, known_human: bool, spread: bool = True):
    """Scored batches (``scored``, first-stage scores), their ``KNOWN_HUMAN_POINTS``, ``SHARE_COUNTS`` and
    ``DEAD_LETTER`` records; with ``lm.enabled``, ``LM_SCORES``: the second stage's scores of the undecided documents,
    keyed by batch, which only those documents are sent to (on ``lm.accelerator`` workers where set). ``spread``
    shuffles the batches across workers first; without it each file's batches are scored where the file is read."""
    if spread:
        batches = batches | f"{prefix}SpreadBatches" >> beam.Reshuffle()
    scored = batches | f"{prefix}Score" >> beam.ParDo(ScoreFn(config, known_human)).with_outputs(
        DEAD_LETTER, KNOWN_HUMAN_POINTS, KNOWN_DOCUMENTS, SHARE_COUNTS, LM_SELECTION, main="scored"
    )
    if not config.lm.enabled:
        return scored
    stage = beam.ParDo(SecondStageFn(config, known_human))
    if config.lm.accelerator:
        stage = stage.with_resource_hints(accelerator=config.lm.accelerator)
    second = scored[LM_SELECTION] | f"{prefix}SecondStage" >> stage.with_outputs(KNOWN_HUMAN_POINTS, main=LM_SCORES)
    points = (scored[KNOWN_HUMAN_POINTS], second[KNOWN_HUMAN_POINTS]) | f"{prefix}KnownHumanPoints" >> beam.Flatten()
    passed = {key: scored[key] for key in ("scored", DEAD_LETTER, KNOWN_DOCUMENTS, SHARE_COUNTS)}
    return {**passed, KNOWN_HUMAN_POINTS: points, LM_SCORES: second[LM_SCORES]}


@dataclasses.dataclass
class _Ledger:
    """What every input, known-human and known-synthetic file's accounting needs: dead letters, skipped records,
    records read, known documents used."""

    dead_letters: list
    skipped: list
    file_stats: list
    known_documents: list

    def add(self, read, used) -> None:
        """A known-human or known-synthetic input's read and scoring (or fingerprinting) outputs."""
        self.dead_letters += [read[DEAD_LETTER], used[DEAD_LETTER]]
        self.skipped.append(read[SKIPPED])
        self.file_stats.append(read[FILE_STATS])
        self.known_documents.append(used[KNOWN_DOCUMENTS])

    def write(self, sinks: _Sinks) -> None:
        """Writes the dead letters, skipped records and the accounting."""
        letters = self.dead_letters | "DeadLetters" >> beam.Flatten()
        sinks.write("DeadLetters", letters, DEAD_LETTERS, DEAD_LETTER_SCHEMA, add_dead_letter)
        skipped = self.skipped | "Skipped" >> beam.Flatten()
        sinks.write("Skipped", skipped, SKIPPED_RECORDS, SKIPPED_SCHEMA, add_skipped)
        stats = self.file_stats | "FileStats" >> beam.Flatten()
        sinks.write("FileStats", stats, FILES_READ, FILE_STATS_SCHEMA, add_file_stats)
        if self.known_documents:
            used = (
                self.known_documents
                | "KnownDocuments" >> beam.Flatten()
                | "SumKnownDocuments" >> beam.CombinePerKey(sum)
                | "KnownRows" >> beam.MapTuple(lambda key, n: dict(role=key[0], source_uri=key[1], documents=n))
            )
            sinks.write("KnownDocuments", used, KNOWN_USED, KNOWN_DOCUMENTS_SCHEMA, add_known_documents)


def _calibrate(source_hist, config: Config):
    source, hist = source_hist
    c = config.calibration
    cal = calibrate(source, hist, c.target_fpr, c.min_known_human, config.decision.human_threshold)
    if cal is not None:
        yield source, cal


def _calibration_row(source: str, cal) -> dict:
    """The ``CALIBRATION_SCHEMA`` row of one calibrated source."""
    return {"source": source, "known_human": cal.known_human, "synthetic": cal.synthetic, "human": cal.human}
