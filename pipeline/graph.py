"""The Beam graph: read -> rebalance -> annotate -> write Parquet partitioned by label."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.io.parquetio import WriteToParquet, WriteToParquetBatched

from synthsieve.config import Config
from synthsieve.pipeline.transforms import DEAD_LETTER, FILE_STATS, AnnotateFn, ReadFileFn
from synthsieve.schemas.records import DEAD_LETTER_SCHEMA, FILE_STATS_SCHEMA, LABELS

PARQUET = dict(codec="zstd", file_name_suffix=".parquet")


def build(pipeline: beam.Pipeline, paths: list[str], out_dir: str, config: Config, schema) -> None:
    """Adds the whole job to ``pipeline``; every shard goes under ``out_dir``.

    Args:
        pipeline: the Beam pipeline to extend.
        paths: matched input files (one element each, so files are read in parallel).
        out_dir: folder (any Beam filesystem) that receives ``label=*/``, ``dead_letter/`` and ``_accounting/``.
        config: the run configuration.
        schema: the document schema for the configured detectors.
    """
    read = (
        pipeline
        | "Inputs" >> beam.Create(sorted(paths))
        | "SpreadFiles" >> beam.Reshuffle()
        | "Read" >> beam.ParDo(ReadFileFn(config)).with_outputs(DEAD_LETTER, FILE_STATS, main="batches")
    )
    scored = (
        read.batches
        | "SpreadBatches" >> beam.Reshuffle()
        | "Annotate" >> beam.ParDo(AnnotateFn(config)).with_outputs(DEAD_LETTER, *LABELS)
    )
    for label in LABELS:
        scored[label] | f"Write_{label}" >> WriteToParquetBatched(
            f"{out_dir}/label={label}/part", schema=schema, **PARQUET
        )
    (
        (read[DEAD_LETTER], scored[DEAD_LETTER])
        | "DeadLetters" >> beam.Flatten()
        | "WriteDeadLetters" >> WriteToParquet(f"{out_dir}/dead_letter/part", schema=DEAD_LETTER_SCHEMA, **PARQUET)
    )
    read[FILE_STATS] | "WriteFileStats" >> WriteToParquet(
        f"{out_dir}/_accounting/files", schema=FILE_STATS_SCHEMA, **PARQUET
    )
