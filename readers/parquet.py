"""Parquet reader (columns ``id``, ``text``, ``url``, ``date``/``timestamp``, ``source``, any others)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import pyarrow.parquet as pq

from synthsieve.readers.records import dead_letter, from_mapping

FORMAT = "parquet"


def read_parquet(
    stream: IO[bytes], source_uri: str, max_bytes: int, batch_size: int = 1024
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields ``("doc", raw_document)`` or ``("dead", dead_letter)`` per row; the offset is the 0-based row index.

    A file without a ``text`` column yields one dead letter per row (``missing_text``), so every row stays counted.
    """
    parquet = pq.ParquetFile(stream)
    offset = 0
    for batch in parquet.iter_batches(batch_size=batch_size):
        for row in batch.to_pylist():
            yield _row(row, source_uri, offset, max_bytes)
            offset += 1


def _row(row: dict[str, Any], source_uri: str, offset: int, max_bytes: int) -> tuple[str, dict[str, Any]]:
    text = row.get("text")
    if isinstance(text, str) and len(text) > max_bytes:
        return "dead", dead_letter(source_uri, offset, FORMAT, "read", "too_large", f"{len(text)} characters", text)
    try:
        return "doc", from_mapping(row, source_uri, offset, FORMAT)
    except ValueError as exc:
        return "dead", dead_letter(source_uri, offset, FORMAT, "read", str(exc), "no string column 'text'", row)
