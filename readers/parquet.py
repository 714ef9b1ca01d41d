"""Parquet reader (columns read as ``readers.fields`` says, struct columns by dotted path; any others)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from synthsieve.readers.fields import FieldMap
from synthsieve.readers.records import DEFAULT_FIELDS, NoText, dead_letter, from_mapping

FORMAT = "parquet"


def row_group_parts(metadata: pq.FileMetaData, split_bytes: int) -> list[tuple[int, int]]:
    """Runs ``[start, stop)`` of consecutive row groups of about ``split_bytes`` compressed bytes each (a group
    larger than that alone), covering every group once; one empty run for a file without row groups."""
    parts, start, size = [], 0, 0
    for group in range(metadata.num_row_groups):
        rows = metadata.row_group(group)
        size += sum(rows.column(c).total_compressed_size for c in range(rows.num_columns))
        if size >= split_bytes:
            parts.append((start, group + 1))
            start, size = group + 1, 0
    if start < metadata.num_row_groups or not parts:
        parts.append((start, metadata.num_row_groups))
    return parts


def read_parquet(
    stream: IO[bytes],
    source_uri: str,
    max_bytes: int,
    batch_size: int = 1024,
    fields: FieldMap = DEFAULT_FIELDS,
    row_groups: tuple[int, int] | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields ``("doc", raw_document)`` or ``("dead", dead_letter)`` per row of the file, or of its row groups
    ``[start, stop)`` (``row_groups``); the offset is the row's 0-based index in the file.

    ``fields`` says where each field of a row is read from (struct columns by dotted path). Every row the file's
    footer declares is yielded once: a file without a text column gives one dead letter per row (``missing_text``),
    a row whose strings are not valid UTF-8 one ``invalid_utf8``, and a row group that cannot be decoded one
    ``corrupt_row_group`` per row it still held; the next row group is read as usual.

    Raises:
        pyarrow.ArrowInvalid: the file is not Parquet (its footer cannot be read).
    """
    parquet = pq.ParquetFile(stream)
    start, stop = row_groups or (0, parquet.num_row_groups)
    offset = sum(parquet.metadata.row_group(g).num_rows for g in range(start))
    for group in range(start, stop):
        end = offset + parquet.metadata.row_group(group).num_rows
        try:
            for batch in parquet.iter_batches(batch_size=batch_size, row_groups=[group]):
                for row in _rows(batch):
                    if isinstance(row, UnicodeDecodeError):
                        yield "dead", dead_letter(source_uri, offset, FORMAT, "read", "invalid_utf8", str(row))
                    else:
                        yield _row(row, source_uri, offset, max_bytes, fields)
                    offset += 1
        except (OSError, pa.ArrowException) as exc:
            message = f"row group {group}: {type(exc).__name__}: {exc}"
            for row in range(offset, end):
                yield "dead", dead_letter(source_uri, row, FORMAT, "read", "corrupt_row_group", message)
        offset = end


def _rows(batch: pa.RecordBatch) -> Iterator[dict[str, Any] | UnicodeDecodeError]:
    """The batch's rows as dicts; if a string is not valid UTF-8, row by row, with the error in that row's place."""
    try:
        rows = batch.to_pylist()
    except UnicodeDecodeError:
        rows = None
    if rows is not None:
        yield from rows
        return
    for i in range(batch.num_rows):
        try:
            yield batch.slice(i, 1).to_pylist()[0]
        except UnicodeDecodeError as exc:
            yield exc


def _row(
    row: dict[str, Any], source_uri: str, offset: int, max_bytes: int, fields: FieldMap
) -> tuple[str, dict[str, Any]]:
    try:
        doc = from_mapping(row, source_uri, offset, FORMAT, fields)
    except NoText as exc:
        return "dead", dead_letter(source_uri, offset, FORMAT, "read", exc.reason, str(exc), row)
    text = doc["text"]
    size = len(text.encode("utf-8", "replace")) if len(text) > max_bytes // 4 else 0
    if size > max_bytes:
        return "dead", dead_letter(source_uri, offset, FORMAT, "read", "too_large", f"{size} bytes", text)
    return "doc", doc
