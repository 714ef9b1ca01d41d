"""Scored batches staged as Parquet files between scoring and the decision.

The documents (their text above all) are written once by the worker that scored them and read once by the worker
that decides them; only the files' keys and names and the near-duplicate rows go through the runner's shuffle.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from synthsieve.detectors.decide import Evidence
from synthsieve.pipeline.annotate import Scored
from synthsieve.pipeline.outputs import SCORED, join

_EXTRA = "__"  # prefix of the columns that carry the decision's inputs besides the documents' own


def staged_path(folder: str, batch: int) -> str:
    """Where the batch with key ``batch`` is staged under ``folder`` (the same file on every retry)."""
    return join(folder, SCORED, f"{batch:016x}.parquet")


def write_scored(scored: Scored, folder: str) -> tuple[int, str]:
    """Stages a scored batch (one with documents and fingerprints) under ``folder``; returns its key and path."""
    batch = scored.fingerprints.batch
    ev = scored.evidence
    extra = {
        "p_synthetic": pa.array(ev.p_synthetic),
        "judged": pa.array(ev.judged),
        "hard": pa.array(ev.hard),
        "source": pa.array(scored.sources, pa.string()),
        "pre_llm": pa.array(scored.pre_llm),
        "node": pa.array(scored.nodes, pa.uint64()),
    }
    table = scored.table
    for name, column in extra.items():
        table = table.append_column(_EXTRA + name, column)
    path = staged_path(folder, batch)
    with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
        pq.write_table(table, stream, compression="zstd")
    return batch, path


def read_scored(path: str) -> Scored:
    """The scored batch staged at ``path`` (without dead letters and fingerprints: what the decision needs)."""
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
        table = pq.read_table(stream)
    names = [n for n in table.column_names if n.startswith(_EXTRA)]
    extra = {n[len(_EXTRA) :]: table.column(n) for n in names}
    table = table.drop_columns(names)
    evidence = Evidence(*(extra[k].to_numpy() for k in ("p_synthetic", "judged", "hard")), [])
    sources = extra["source"].to_pylist()
    return Scored(table, evidence, sources, extra["pre_llm"].to_numpy(), [], np.asarray(extra["node"].to_numpy()))
