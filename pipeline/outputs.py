"""Staging and publishing of a run's output folder on any Beam filesystem."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

STAGING = "_staging"
#: Every file that is not a document shard has a name starting with ``_``, which pandas, pyarrow, Polars and Spark
#: leave out when they read the output folder as one table.
MANIFEST = "_manifest.json"
ACCOUNTING = "_accounting"
DEAD_LETTERS = f"{ACCOUNTING}/dead_letter"
SKIPPED_RECORDS = f"{ACCOUNTING}/skipped"
SHARE = f"{ACCOUNTING}/synthetic_share"
#: A run's outputs; the manifest first: it is deleted first and written last, so a folder with a manifest is complete.
PUBLISHED = (MANIFEST, "label=human", "label=synthetic", "label=uncertain", ACCOUNTING)


def join(*parts: str) -> str:
    """Joins path parts with the filesystem's separator (works for local paths and gs://, s3://)."""
    return FileSystems.join(*parts)


def files_under(folder: str, pattern: str = "*") -> list[str]:
    """Sorted paths of the files matching ``folder/pattern`` (none if the folder does not exist)."""
    result = FileSystems.match([join(folder, pattern)])[0]
    return sorted(m.path for m in result.metadata_list)


def read_columns(folder: str, columns: list[str]) -> pa.Table | None:
    """Reads ``columns`` of every Parquet shard under ``folder``; None when there is no row."""
    batches = list(iter_columns(folder, columns))
    return pa.Table.from_batches(batches) if batches else None


def iter_columns(folder: str, columns: list[str]) -> Iterator[pa.RecordBatch]:
    """Record batches of ``columns`` of every Parquet shard under ``folder``, a row group at a time: memory stays
    bounded by one row group however many documents the folder holds."""
    for path in files_under(folder, "*.parquet"):
        with FileSystems.open(path) as stream:
            shard = pq.ParquetFile(stream)
            for group in range(shard.num_row_groups):
                yield from shard.read_row_group(group, columns=columns).to_batches()


def delete_existing(paths: list[str]) -> None:
    """Deletes those of ``paths`` (files or folders) that exist."""
    existing = [p for p in paths if FileSystems.exists(p)]
    if existing:
        FileSystems.delete(existing)


def publish(staging: str, folder: str) -> None:
    """Moves every staged file into ``folder`` after deleting the previous run's outputs there (its manifest first).

    The caller writes the new manifest last: until then the folder has none, so no reader takes a half-published
    folder for a finished one.
    """
    delete_existing([join(folder, name) for name in PUBLISHED])
    sources = list(_walk(staging))
    targets = [join(folder, src[len(staging) :].lstrip("/")) for src in sources]
    for parent in sorted({t.rsplit("/", 1)[0] for t in targets}):
        _mkdirs(parent)
    FileSystems.rename(sources, targets)
    FileSystems.delete([staging])


def write_json(path: str, data: dict[str, Any]) -> None:
    """Writes ``data`` as indented JSON to ``path`` on any Beam filesystem."""
    with FileSystems.create(path) as stream:
        stream.write(json.dumps(data, indent=2, sort_keys=True, default=str).encode())


def read_json(path: str) -> dict[str, Any]:
    """Reads a JSON object from ``path`` on any Beam filesystem."""
    with FileSystems.open(path) as stream:
        return json.loads(stream.read())


def _walk(folder: str) -> Iterator[str]:
    result = FileSystems.match([join(folder, "**")])[0]
    yield from sorted(m.path for m in result.metadata_list if not m.path.endswith("/"))


def _mkdirs(path: str) -> None:
    try:
        FileSystems.mkdirs(path)
    except OSError:  # exists already
        pass
