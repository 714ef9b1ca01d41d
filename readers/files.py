"""Format detection and decompression for one input file."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from typing import IO, Any

from synthsieve.readers.jsonl import read_jsonl
from synthsieve.readers.parquet import read_parquet
from synthsieve.readers.warc import read_warc

_SUFFIXES = {
    ".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
    ".warc": "warc", ".arc": "warc",
}  # fmt: skip
_COMPRESSIONS = (".gz", ".zst", ".zstd")


class UnsupportedFormat(ValueError):
    """The input's format cannot be told from its name and was not given."""


def detect_format(path: str, configured: str = "auto") -> str:
    """The reader format for ``path``: the configured one, else by extension (``.jsonl.gz``, ``.warc.gz``, ...)."""
    if configured != "auto":
        return configured
    name = path.lower()
    for comp in _COMPRESSIONS:
        name = name.removesuffix(comp)
    for suffix, fmt in _SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    raise UnsupportedFormat(f"cannot tell the format of {path}: use --format jsonl|parquet|warc")


def read_file(
    stream: IO[bytes], path: str, fmt: str, max_bytes: int, batch_size: int = 1024
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields ``("doc", raw)`` / ``("dead", letter)`` for every record of one file opened as raw bytes."""
    if fmt == "warc":
        return read_warc(stream, path, max_bytes)  # fastwarc detects gzip members itself
    if fmt == "parquet":
        return read_parquet(stream, path, max_bytes, batch_size)
    return read_jsonl(_decompressed(stream, path), path, max_bytes)


def _decompressed(stream: IO[bytes], path: str) -> IO[bytes]:
    name = path.lower()
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=stream)
    if name.endswith((".zst", ".zstd")):
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(stream))
    return stream
