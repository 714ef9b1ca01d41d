"""Format detection, decompression and the parts (a worker's share of the records) of one input file."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

import pyarrow.parquet as pq

from synthsieve.readers.arc import read_arc
from synthsieve.readers.fields import FieldMap
from synthsieve.readers.jsonl import read_jsonl
from synthsieve.readers.parquet import read_parquet, row_group_parts
from synthsieve.readers.warc import read_warc

_SUFFIXES = {
    ".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
    ".wet": "wet", ".warc": "warc", ".arc": "arc",
}  # fmt: skip
_COMPRESSIONS = (".gz", ".zst", ".zstd")
_COMPRESSION_MAGIC = {"gzip": b"\x1f\x8b", "zstd": b"\x28\xb5\x2f\xfd"}
_MAGIC = {
    b"\x1f\x8b": "a gzip",
    b"\x28\xb5\x2f\xfd": "a zstd",
    b"PAR1": "a Parquet",
    b"WARC/": "a WARC",
    b"filedesc://": "an ARC",
}
_WAT = "a WAT file (Common Crawl's metadata: no document text): read the WET (.warc.wet.gz) or WARC files instead"


class UnsupportedFormat(ValueError):
    """The input's format cannot be told from its name and was not given, or synthsieve does not read it."""


class WrongContent(ValueError):
    """The file's bytes are not what its name or the configured format says (a whole-file error)."""


def detect_format(path: str, configured: str = "auto") -> str:
    """The reader format for ``path``: the configured one, else by extension (``.jsonl.gz``, ``.warc.gz``, ...)."""
    if configured != "auto":
        return configured
    name = path.lower()
    for comp in _COMPRESSIONS:
        name = name.removesuffix(comp)
    if name.endswith(".wat"):
        raise UnsupportedFormat(f"{path} is {_WAT}")
    for suffix, fmt in _SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    raise UnsupportedFormat(f"cannot tell the format of {path}: use --format jsonl|parquet|warc|wet|arc")


@dataclass(frozen=True)
class FilePart:
    """The share of an input file that one worker reads in one call: row groups ``[start, stop)`` of a Parquet
    file (``readers.parquet.row_group_parts``)."""

    path: str
    row_groups: tuple[int, int]


def parquet_parts(stream: IO[bytes], path: str, split_bytes: int) -> list[FilePart]:
    """The Parquet file ``path`` as parts of whole row groups of about ``split_bytes``, from its footer.

    Raises:
        pyarrow.ArrowInvalid: the footer cannot be read.
    """
    return [FilePart(path, run) for run in row_group_parts(pq.ParquetFile(stream).metadata, split_bytes)]


def read_file(
    stream: IO[bytes],
    path: str,
    fmt: str,
    max_bytes: int,
    batch_size: int = 1024,
    fields: Mapping[str, list[str]] | None = None,
    row_groups: tuple[int, int] | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields ``("doc", raw)`` / ``("skip", skipped)`` / ``("dead", letter)`` for every record of one file opened
    as raw bytes (of a Parquet file's ``row_groups`` only, where given). ``fields`` (``reader.fields``) replaces
    default paths of JSON and Parquet fields.

    Raises:
        WrongContent: a ``.gz``/``.zst`` file is not compressed so, or a JSON-lines file holds another format.
    """
    if fmt in ("warc", "wet"):
        return read_warc(stream, path, max_bytes, fmt)  # fastwarc detects gzip members itself
    if fmt == "arc":
        return read_arc(stream, path, max_bytes)
    field_map = FieldMap.of(fields)  # once per file, not per record
    if fmt == "parquet":
        return read_parquet(stream, path, max_bytes, batch_size, field_map, row_groups)
    return read_jsonl(_checked_jsonl(stream, path), path, max_bytes, field_map)


def _checked_jsonl(stream: IO[bytes], path: str) -> IO[bytes]:
    """The decompressed stream of a JSON-lines file, after checking that a ``.gz``/``.zst`` file starts like one and
    that its content does not start like another known format (a cut or corrupt stream is left to the reader)."""
    head, compression = _head(stream), _compression(path)
    magic = _COMPRESSION_MAGIC.get(compression, b"")
    if head[: len(magic)] != magic[: len(head)]:  # a file cut inside the magic number is left to the reader
        raise WrongContent(f"{path} is not {compression} data as its name says (it starts with {head[:8]!r})")
    data = _decompressed(stream, path)
    if compression:
        try:
            head = data.peek(16)[:16]
        except Exception:  # noqa: BLE001 - a cut or corrupt stream: read_jsonl dead-letters it where it breaks
            head = b""
    if other := next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None):
        raise WrongContent(f"{path} is {other} file, not JSON lines: rename it or pass the right --format")
    return data


def _head(stream: IO[bytes]) -> bytes:
    head = stream.read(16)
    stream.seek(0)
    return head


def _compression(path: str) -> str | None:
    name = path.lower()
    return "gzip" if name.endswith(".gz") else "zstd" if name.endswith((".zst", ".zstd")) else None


def _decompressed(stream: IO[bytes], path: str) -> IO[bytes]:
    name = path.lower()
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=stream)
    if name.endswith((".zst", ".zstd")):
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(stream))
    return stream
