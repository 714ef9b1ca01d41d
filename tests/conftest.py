"""Shared fixtures: writers of small real input files, and a real S3 API on loopback."""

from __future__ import annotations

import gzip
import json
import logging
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


S3_BUCKET = "synthsieve-test"


@dataclass
class S3:
    """The loopback S3 API: Beam's flags for it, and a boto3 client that writes and reads the bucket without Beam
    (Beam makes a client per operation, about 0.25 s each)."""

    flags: list[str]
    client: Any

    def folder(self, name: str) -> str:
        """A fresh ``s3://`` folder (a prefix no one else uses) named after ``name``."""
        return f"s3://{S3_BUCKET}/{name}-{uuid.uuid4().hex[:8]}"

    def put(self, path: str, data: bytes) -> None:
        bucket, key = path.removeprefix("s3://").split("/", 1)
        self.client.put_object(Bucket=bucket, Key=key, Body=data)

    def files(self, folder: str) -> dict[str, bytes]:
        """Every object under ``folder``, by name relative to it."""
        bucket, key = folder.removeprefix("s3://").split("/", 1)
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{key}/")
        names = [o["Key"] for page in pages for o in page.get("Contents", [])]
        return {n[len(key) + 1 :]: self.client.get_object(Bucket=bucket, Key=n)["Body"].read() for n in names}


@pytest.fixture(scope="session")
def s3():
    """A real S3 API on loopback, moto's server, with the bucket ``S3_BUCKET``; Beam's S3 filesystem is pointed at
    it in this process too. Skips where moto[server] is not installed."""
    moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed: pip install -e '.[test]'")
    boto3 = pytest.importorskip("boto3", reason="boto3 is not installed: pip install -e '.[test]'")
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.options.pipeline_options import PipelineOptions

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    client.create_bucket(Bucket=S3_BUCKET)
    keys = ["--s3_access_key_id=x", "--s3_secret_access_key=x", "--s3_region_name=us-east-1"]
    flags = [f"--s3_endpoint_url={url}", *keys]
    FileSystems.set_options(PipelineOptions(flags))
    yield S3(flags, client)
    server.stop()


@pytest.fixture
def s3_folder(s3, request):
    """A fresh ``s3://`` folder (a prefix no other test uses) on the loopback S3 API, Beam's S3 filesystem pointed at
    it again (a run in an earlier test set Beam's filesystem options to its own)."""
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.options.pipeline_options import PipelineOptions

    FileSystems.set_options(PipelineOptions(s3.flags))
    return s3.folder(request.node.name.replace("[", "-").rstrip("]"))
