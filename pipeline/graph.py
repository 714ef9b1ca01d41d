"""The Beam graph: read -> score -> stage -> [cluster near-duplicates, calibrate per source] -> decide -> write
Parquet partitioned by label.

Scored batches are staged as Parquet files (``pipeline.staged``) and decided batch by batch, joined with their
documents' near-duplicate rows by batch key: the documents never go through a shuffle after scoring."""

from __future__ import annotations

import dataclasses

import apache_beam as beam
from apache_beam.io.parquetio import WriteToParquet, WriteToParquetBatched

from synthsieve.config import Config
from synthsieve.detectors.calibration import calibrate
from synthsieve.pipeline.annotate import DEDUPLICATED
from synthsieve.pipeline.near_dup import NearDuplicates
from synthsieve.pipeline.transforms import (
    DEAD_LETTER,
    FILE_STATS,
    REFERENCE_DOCUMENTS,
    REFERENCES,
    DecideFn,
    FingerprintFn,
    HistogramFn,
    ReadFileFn,
    ScoreFn,
    SecondStageFn,
    StageFn,
)
from synthsieve.schemas.records import (
    CALIBRATION_SCHEMA,
    DEAD_LETTER_SCHEMA,
    DEDUPLICATED_SCHEMA,
    FILE_STATS_SCHEMA,
    HUMAN_REFERENCE,
    INPUT,
    KNOWN_SYNTHETIC,
    LABELS,
    REFERENCE_DOCUMENTS_SCHEMA,
)

PARQUET = dict(codec="zstd", file_name_suffix=".parquet")


def build(
    pipeline: beam.Pipeline,
    paths: list[str],
    out_dir: str,
    config: Config,
    schema,
    references: list[str] = (),
    known_synthetic: list[str] = (),
) -> list:
    """Adds the whole job to ``pipeline``; every shard goes under ``out_dir``. Returns the sinks' results (the
    written file names), for a step that must wait until everything is written.

    Args:
        pipeline: the Beam pipeline to extend.
        paths: matched input files (one element each, so files are read in parallel).
        out_dir: folder (any Beam filesystem) that receives ``label=*/``, ``dead_letter/`` and ``_accounting/``, and
            the staged scored batches (``_scored/``, deleted by the final step).
        config: the run configuration.
        schema: the document schema for the configured detectors.
        references: matched files of known-human text that calibrate per-source thresholds (not labelled).
        known_synthetic: matched files of known synthetic text: near-duplicates of it are synthetic (not labelled).
    """
    if config.dedup.partitions < 1:
        raise ValueError("dedup.partitions must be resolved first (pipeline.run.with_partitions)")
    if config.reader.rebalance == "auto":
        raise ValueError("reader.rebalance must be resolved first (pipeline.run.with_rebalance)")
    read = _read(pipeline, "", paths, config, INPUT)
    scored = _score(read.batches, "", config, reference=False, spread=config.reader.rebalance == "always")
    ledger = _Ledger([read[DEAD_LETTER], scored[DEAD_LETTER]], [read[FILE_STATS]], [])
    clusters = _near_duplicates(pipeline, scored["scored"], config, known_synthetic, ledger)
    points = [scored[REFERENCES]]
    if references:
        ref_read = _read(pipeline, "Reference", references, config, HUMAN_REFERENCE)
        ref_scored = _score(ref_read.batches, "Reference", config, True)
        points.append(ref_scored[REFERENCES])
        ledger.add(ref_read, ref_scored)
    if references or config.calibration.use_pre_llm:
        calibrated = (
            points
            | "AllReferences" >> beam.Flatten()
            | "Histogram" >> beam.CombinePerKey(HistogramFn())
            | "Calibrate" >> beam.FlatMap(_calibrate, config)
        )
        thresholds = beam.pvalue.AsDict(calibrated)
    else:  # nothing can calibrate: no side input to wait for
        calibrated, thresholds = pipeline | "NoCalibration" >> beam.Create([]), {}
    staged = scored["scored"] | "Stage" >> beam.ParDo(StageFn(out_dir))
    decided = (
        {"scored": staged, "clusters": clusters}
        | "JoinClusters" >> beam.CoGroupByKey()
        | "Decide" >> beam.ParDo(DecideFn(config, schema), thresholds).with_outputs(*LABELS, DEDUPLICATED)
    )
    written = [
        decided[label]
        | f"Write_{label}" >> WriteToParquetBatched(f"{out_dir}/label={label}/part", schema=schema, **PARQUET)
        for label in LABELS
    ]
    written.append(
        decided[DEDUPLICATED]
        | "WriteDeduplicated"
        >> WriteToParquetBatched(f"{out_dir}/_accounting/deduplicated/part", schema=DEDUPLICATED_SCHEMA, **PARQUET)
    )
    written += ledger.write(out_dir)
    written.append(
        calibrated
        | "CalibrationRows" >> beam.Map(lambda kv: dataclasses.asdict(kv[1]))
        | "WriteCalibration"
        >> WriteToParquet(f"{out_dir}/_accounting/calibration/part", schema=CALIBRATION_SCHEMA, **PARQUET)
    )
    return written


def _near_duplicates(pipeline: beam.Pipeline, scored, config: Config, known_synthetic: list[str], ledger: _Ledger):
    """Near-duplicate cluster rows of the corpus, keyed by node partition; ``known_synthetic`` files join the
    clustering as reference documents (their accounting goes to ``ledger``)."""
    fps = [scored | "Fingerprints" >> beam.FlatMap(lambda s: [s.fingerprints] if s.fingerprints else [])]
    if known_synthetic:
        read = _read(pipeline, "KnownSynthetic", known_synthetic, config, KNOWN_SYNTHETIC)
        known = (
            read.batches
            | "SpreadKnownSynthetic" >> beam.Reshuffle()
            | beam.ParDo(FingerprintFn(config)).with_outputs(DEAD_LETTER, REFERENCE_DOCUMENTS, main="fps")
        )
        fps.append(known.fps)
        ledger.add(read, known)
    d = config.dedup
    return (
        fps
        | "AllFingerprints" >> beam.Flatten()
        | "NearDuplicates" >> NearDuplicates(d.params(), d.verify_threshold, d.rounds, d.partitions)
    )


def _read(pipeline: beam.Pipeline, prefix: str, paths: list[str], config: Config, role: str):
    return (
        pipeline
        | f"{prefix}Inputs" >> beam.Create(sorted(paths))
        | f"{prefix}SpreadFiles" >> beam.Reshuffle()
        | f"{prefix}Read" >> beam.ParDo(ReadFileFn(config, role)).with_outputs(DEAD_LETTER, FILE_STATS, main="batches")
    )


def _score(batches, prefix: str, config: Config, reference: bool, spread: bool = True):
    """Scored batches (``scored``), their ``REFERENCES`` points and ``DEAD_LETTER`` records; with ``lm.enabled``
    the second stage re-scores the undecided documents first. ``spread`` shuffles the batches across workers first;
    without it each file's batches are scored where the file is read."""
    if spread:
        batches = batches | f"{prefix}SpreadBatches" >> beam.Reshuffle()
    scored = batches | f"{prefix}Score" >> beam.ParDo(ScoreFn(config, reference)).with_outputs(
        DEAD_LETTER, REFERENCES, REFERENCE_DOCUMENTS, main="scored"
    )
    if not config.lm.enabled:
        return scored
    stage = beam.ParDo(SecondStageFn(config, reference))
    if config.lm.accelerator:
        stage = stage.with_resource_hints(accelerator=config.lm.accelerator)
    second = scored.scored | f"{prefix}SecondStage" >> stage.with_outputs(REFERENCES, main="scored")
    passed = {DEAD_LETTER: scored[DEAD_LETTER], REFERENCE_DOCUMENTS: scored[REFERENCE_DOCUMENTS]}
    return {"scored": second.scored, REFERENCES: second[REFERENCES], **passed}


@dataclasses.dataclass
class _Ledger:
    """What every input and reference file's accounting needs: dead letters, documents read, references used."""

    dead_letters: list
    file_stats: list
    reference_documents: list

    def add(self, read, used) -> None:
        """A reference input's read and reference-stage outputs."""
        self.dead_letters += [read[DEAD_LETTER], used[DEAD_LETTER]]
        self.file_stats.append(read[FILE_STATS])
        self.reference_documents.append(used[REFERENCE_DOCUMENTS])

    def write(self, out_dir: str) -> list:
        """Writes the dead letters and the accounting; returns the sinks' results (the final step waits on them)."""
        written = [
            self.dead_letters
            | "DeadLetters" >> beam.Flatten()
            | "WriteDeadLetters"
            >> WriteToParquet(f"{out_dir}/dead_letter/part", schema=DEAD_LETTER_SCHEMA, **PARQUET),
            self.file_stats
            | "FileStats" >> beam.Flatten()
            | "WriteFileStats"
            >> WriteToParquet(f"{out_dir}/_accounting/files/part", schema=FILE_STATS_SCHEMA, **PARQUET),
        ]
        if self.reference_documents:
            written.append(
                self.reference_documents
                | "ReferenceDocuments" >> beam.Flatten()
                | "SumReferenceDocuments" >> beam.CombinePerKey(sum)
                | "ReferenceRows" >> beam.MapTuple(lambda key, n: dict(role=key[0], source_uri=key[1], documents=n))
                | "WriteReferenceDocuments"
                >> WriteToParquet(
                    f"{out_dir}/_accounting/references/part", schema=REFERENCE_DOCUMENTS_SCHEMA, **PARQUET
                )
            )
        return written


def _calibrate(source_hist, config: Config):
    source, hist = source_hist
    c = config.calibration
    cal = calibrate(source, hist, c.target_fpr, c.min_references, config.decision.human_threshold)
    if cal is not None:
        yield source, cal
