"""JSON-lines reader (plain, gzip, zstd)."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from typing import IO, Any

from synthsieve.readers.fields import FieldMap
from synthsieve.readers.records import DEFAULT_FIELDS, NoText, dead_letter, from_mapping

FORMAT = "jsonl"
_CHUNK = 1 << 20
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # how a lone surrogate can get into a decoded JSON string
#: What gzip, zlib and zstandard raise on a stream that is cut or corrupt.
_STREAM_ERRORS = (EOFError, OSError, ValueError, zlib.error)


def read_jsonl(
    stream: IO[bytes], source_uri: str, max_bytes: int, fields: FieldMap = DEFAULT_FIELDS
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields ``("doc", raw_document)`` or ``("dead", dead_letter)`` per non-blank line; ``fields`` says where each
    field of an object is read from.

    The offset is the 1-based line number. A line over ``max_bytes`` is dead-lettered without being held in memory.
    A stream that breaks off (truncated or corrupt gzip/zstd member, or a last line cut mid-record) ends with one
    dead letter ``truncated_file`` at the line where reading failed.
    """
    line_no = 0
    try:
        for line_no, line, size in _lines(stream, max_bytes):
            if size > max_bytes:
                yield "dead", dead_letter(source_uri, line_no, FORMAT, "read", "too_large", f"{size} bytes", line)
            elif line.strip():
                yield _parse_line(line, source_uri, line_no, fields)
    except _STREAM_ERRORS as exc:
        message = f"{type(exc).__name__}: {exc}"
        yield "dead", dead_letter(source_uri, line_no + 1, FORMAT, "read", "truncated_file", message)


def _lines(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes, int]]:
    """``(line number, line, size in bytes)``; a line over ``max_bytes`` comes as its first bytes only."""
    line_no = 0
    while line := stream.readline(max_bytes + 1):
        line_no += 1
        size = len(line)
        if size > max_bytes and not line.endswith(b"\n"):
            size += _skip_line(stream)
        yield line_no, line, size


def _skip_line(stream: IO[bytes]) -> int:
    """Reads past the rest of an over-long line in bounded chunks; returns how many bytes it skipped."""
    skipped = 0
    while rest := stream.readline(_CHUNK):
        skipped += len(rest)
        if rest.endswith(b"\n"):
            break
    return skipped


def _parse_line(line: bytes, source_uri: str, line_no: int, fields: FieldMap) -> tuple[str, dict[str, Any]]:
    def dead(reason: str, message: str) -> tuple[str, dict[str, Any]]:
        return "dead", dead_letter(source_uri, line_no, FORMAT, "read", reason, message, line)

    try:
        obj = json.loads(line.decode("utf-8-sig"))  # JSON lines are UTF-8 (json.loads would guess UTF-16 on NULs)
    except UnicodeDecodeError as exc:
        return dead("invalid_utf8", str(exc))
    except json.JSONDecodeError as exc:
        return dead("invalid_json" if line.endswith(b"\n") else "truncated_file", str(exc))
    except RecursionError:
        return dead("invalid_json", "nested too deeply")
    if not isinstance(obj, dict):
        return dead("not_an_object", type(obj).__name__)
    if _SURROGATE_ESCAPE.search(line) and _has_lone_surrogate(obj):
        return dead("invalid_unicode", "a string holds a lone UTF-16 surrogate escape (\\ud800-\\udfff)")
    try:
        return "doc", from_mapping(obj, source_uri, line_no, FORMAT, fields)
    except NoText as exc:
        return dead(exc.reason, str(exc))


def _has_lone_surrogate(obj: Any) -> bool:
    """Whether a decoded JSON value holds a string UTF-8 cannot encode (an unpaired ``\\ud800`` escape)."""
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True
