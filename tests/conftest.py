"""Shared fixtures: writers of small real input files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest


@pytest.fixture
def write_warc(tmp_path):
    """Writes records as a .warc.gz (one gzip member per record) and returns its path."""

    def write(records: list[bytes], name: str = "crawl.warc.gz") -> Path:
        path = tmp_path / name
        path.write_bytes(b"".join(gzip.compress(r, mtime=0) for r in records))
        return path

    return write


@pytest.fixture
def write_jsonl(tmp_path):
    """Writes objects (or raw strings, for broken lines) as JSONL, gzip when the name ends in .gz."""

    def write(rows: list, name: str = "docs.jsonl") -> Path:
        data = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode()
        path = tmp_path / name
        path.write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
        return path

    return write
