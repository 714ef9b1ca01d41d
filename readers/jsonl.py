"""JSON-lines reader (plain, gzip, zstd)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from synthsieve.readers.records import dead_letter, from_mapping

FORMAT = "jsonl"


def read_jsonl(stream: IO[bytes], source_uri: str, max_bytes: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields ``("doc", raw_document)`` or ``("dead", dead_letter)`` per non-blank line.

    The offset is the 1-based line number. A stream that breaks off (truncated gzip/zstd member) ends with one
    dead letter ``truncated_file`` at the line where reading failed.
    """
    line_no = 0
    try:
        for line_no, line in enumerate(stream, start=1):
            if line.strip():
                yield _parse_line(line, source_uri, line_no, max_bytes)
    except (EOFError, OSError, ValueError) as exc:  # gzip/zstd raise these on a cut or corrupt stream
        yield (
            "dead",
            dead_letter(source_uri, line_no + 1, FORMAT, "read", "truncated_file", f"{type(exc).__name__}: {exc}"),
        )


def _parse_line(line: bytes, source_uri: str, line_no: int, max_bytes: int) -> tuple[str, dict[str, Any]]:
    if len(line) > max_bytes:
        return "dead", dead_letter(source_uri, line_no, FORMAT, "read", "too_large", f"{len(line)} bytes", line)
    try:
        obj = json.loads(line)
    except UnicodeDecodeError as exc:
        return "dead", dead_letter(source_uri, line_no, FORMAT, "read", "invalid_utf8", str(exc), line)
    except json.JSONDecodeError as exc:
        return "dead", dead_letter(source_uri, line_no, FORMAT, "read", "invalid_json", str(exc), line)
    if not isinstance(obj, dict):
        return "dead", dead_letter(source_uri, line_no, FORMAT, "read", "not_an_object", type(obj).__name__, line)
    try:
        return "doc", from_mapping(obj, source_uri, line_no, FORMAT)
    except ValueError as exc:
        return "dead", dead_letter(source_uri, line_no, FORMAT, "read", str(exc), "no string field 'text'", line)
