"""The Beam graph: read -> score -> calibrate per source -> decide -> write Parquet partitioned by label."""

from __future__ import annotations

import dataclasses

import apache_beam as beam
from apache_beam.io.parquetio import WriteToParquet, WriteToParquetBatched

from synthsieve.config import Config
from synthsieve.detectors.calibration import calibrate
from synthsieve.pipeline.transforms import (
    DEAD_LETTER,
    FILE_STATS,
    REFERENCES,
    DecideFn,
    HistogramFn,
    ReadFileFn,
    ScoreFn,
)
from synthsieve.schemas.records import CALIBRATION_SCHEMA, DEAD_LETTER_SCHEMA, FILE_STATS_SCHEMA, LABELS

PARQUET = dict(codec="zstd", file_name_suffix=".parquet")


def build(
    pipeline: beam.Pipeline, paths: list[str], out_dir: str, config: Config, schema, references: list[str] = ()
) -> None:
    """Adds the whole job to ``pipeline``; every shard goes under ``out_dir``.

    Args:
        pipeline: the Beam pipeline to extend.
        paths: matched input files (one element each, so files are read in parallel).
        out_dir: folder (any Beam filesystem) that receives ``label=*/``, ``dead_letter/`` and ``_accounting/``.
        config: the run configuration.
        schema: the document schema for the configured detectors.
        references: matched files of known-human text that calibrate per-source thresholds (not labelled).
    """
    read = _read(pipeline, "", paths, config)
    scored = _score(read.batches, "", config, reference=False)
    points = [scored[REFERENCES]]
    if references:
        points.append(
            _score(_read(pipeline, "Reference", references, config).batches, "Reference", config, True)[REFERENCES]
        )
    if references or config.calibration.use_pre_llm:
        calibrated = (
            points
            | "AllReferences" >> beam.Flatten()
            | "Histogram" >> beam.CombinePerKey(HistogramFn())
            | "Calibrate" >> beam.FlatMap(_calibrate, config)
        )
        thresholds = beam.pvalue.AsDict(calibrated)
    else:  # nothing can calibrate: decide in the scoring stage instead of waiting for every reference score
        calibrated, thresholds = pipeline | "NoCalibration" >> beam.Create([]), {}
    decided = scored.scored | "Decide" >> beam.ParDo(DecideFn(config, schema), thresholds).with_outputs(*LABELS)
    for label in LABELS:
        decided[label] | f"Write_{label}" >> WriteToParquetBatched(
            f"{out_dir}/label={label}/part", schema=schema, **PARQUET
        )
    (
        (read[DEAD_LETTER], scored[DEAD_LETTER])
        | "DeadLetters" >> beam.Flatten()
        | "WriteDeadLetters" >> WriteToParquet(f"{out_dir}/dead_letter/part", schema=DEAD_LETTER_SCHEMA, **PARQUET)
    )
    read[FILE_STATS] | "WriteFileStats" >> WriteToParquet(
        f"{out_dir}/_accounting/files/part", schema=FILE_STATS_SCHEMA, **PARQUET
    )
    (
        calibrated
        | "CalibrationRows" >> beam.Map(lambda kv: dataclasses.asdict(kv[1]))
        | "WriteCalibration"
        >> WriteToParquet(f"{out_dir}/_accounting/calibration/part", schema=CALIBRATION_SCHEMA, **PARQUET)
    )


def _read(pipeline: beam.Pipeline, prefix: str, paths: list[str], config: Config):
    return (
        pipeline
        | f"{prefix}Inputs" >> beam.Create(sorted(paths))
        | f"{prefix}SpreadFiles" >> beam.Reshuffle()
        | f"{prefix}Read" >> beam.ParDo(ReadFileFn(config)).with_outputs(DEAD_LETTER, FILE_STATS, main="batches")
    )


def _score(batches, prefix: str, config: Config, reference: bool):
    return (
        batches
        | f"{prefix}SpreadBatches" >> beam.Reshuffle()
        | f"{prefix}Score"
        >> beam.ParDo(ScoreFn(config, reference)).with_outputs(DEAD_LETTER, REFERENCES, main="scored")
    )


def _calibrate(source_hist, config: Config):
    source, hist = source_hist
    c = config.calibration
    cal = calibrate(source, hist, c.target_fpr, c.min_references, config.decision.human_threshold)
    if cal is not None:
        yield source, cal
