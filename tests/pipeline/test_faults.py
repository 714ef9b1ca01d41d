"""Worker faults: a step that fails once on one bundle, after emitting its outputs, is retried by the runner, and the
output is complete and without duplicates.

The fault is injected by test-local subclasses of the real DoFns, put into the real graph; Beam's bundle-based
DirectRunner retries a failed bundle (up to 4 attempts) and keeps only the outputs of the attempt that succeeds, as
Dataflow does. (The default FnApi DirectRunner does not retry.)
"""

import io
import json
from pathlib import Path

import apache_beam as beam
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.localfilesystem import LocalFileSystem
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from synthsieve.config import load_config
from synthsieve.pipeline import graph, transforms
from synthsieve.pipeline.run import run_job
from synthsieve.pipeline.transforms import DEAD_LETTER, FILE_STATS, ReadFileFn, SplitFileFn
from synthsieve.readers.retry import TRIES

from builders import SAMPLE

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="sample corpus not generated")

RETRYING = ["--runner=BundleBasedDirectRunner"]
CONFIG = load_config(None, {"reader.batch_size": 8})  # several batches per file: several bundles per step


def failing_once(cls, markers: Path):
    """``cls`` that, on the first bundle it ever processes, emits all its outputs and then raises."""

    class FailingOnce(cls):
        def process(self, *args, **kwargs):
            outputs = list(super().process(*args, **kwargs))
            yield from outputs
            try:
                (markers / cls.__name__).touch(exist_ok=False)
            except FileExistsError:
                return
            raise RuntimeError(f"injected fault in {cls.__name__}, after {len(outputs)} outputs")

    return FailingOnce


def _outputs(out: Path) -> tuple[list, list]:
    documents = duckdb.sql(
        "select id, content_hash, p_synthetic, label, reasons from "
        f"read_parquet('{out}/label=*/*.parquet', hive_partitioning=true) order by id, content_hash"
    ).fetchall()
    letters = f"read_parquet('{out}/_accounting/dead_letter/*.parquet')"
    query = f"select source_uri, source_offset, reason from {letters} order by 1, 2"
    return documents, duckdb.sql(query).fetchall()


def test_a_bundle_that_fails_once_is_retried_without_loss_or_duplicates(tmp_path, monkeypatch):
    inputs = [str(p) for p in sorted(SAMPLE.iterdir())]
    clean = run_job(inputs, str(tmp_path / "clean"), CONFIG, ["--direct_running_mode=in_memory"])
    markers = tmp_path / "markers"
    markers.mkdir()
    for name in ("ReadFileFn", "ScoreFn", "DecideFn"):
        monkeypatch.setattr(graph, name, failing_once(getattr(transforms, name), markers))
    faulty = run_job(inputs, str(tmp_path / "faulty"), CONFIG, RETRYING)
    assert sorted(p.name for p in markers.iterdir()) == ["DecideFn", "ReadFileFn", "ScoreFn"]  # each failed once
    assert faulty["balanced"] and faulty["documents_read"] == clean["documents_read"] == 79
    assert faulty["labels"] == clean["labels"] and faulty["dead_letter"] == clean["dead_letter"]
    documents, letters = _outputs(tmp_path / "faulty")
    assert (documents, letters) == _outputs(tmp_path / "clean")
    assert len({row[0] for row in documents}) == len(documents)
    manifest = json.loads((tmp_path / "faulty" / "_manifest.json").read_text())
    assert manifest["beam_options"]["runner"] == RETRYING[0][9:]


DROPS = {"left": 0}  # connection drops the flaky:// filesystem has left to give


class FlakyFileSystem(LocalFileSystem):
    """The local filesystem under ``flaky://``, whose read streams drop the connection midway while ``DROPS`` last:
    the transient error of an object store, which a local disk cannot give."""

    @classmethod
    def scheme(cls):
        return "flaky"

    def open(self, path, mime_type="application/octet-stream", compression_type=CompressionTypes.AUTO):
        return _Dropping(super().open(path.removeprefix("flaky://"), mime_type, compression_type))


class _Dropping(io.RawIOBase):
    def __init__(self, stream):
        super().__init__()
        self.stream = stream

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        return self.stream.seek(offset, whence)

    def tell(self):
        return self.stream.tell()

    def readinto(self, buffer):
        if DROPS["left"] and self.tell() > 0:  # not at the start: midway through the file
            DROPS["left"] -= 1
            raise ConnectionResetError("connection reset by peer")
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_as_when_clean(path: str, drops: int) -> None:
    """Runs ``ReadFileFn`` on ``path`` with ``drops`` connection drops on the runner that retries failed bundles,
    and checks that it reads what a clean read gives: three batches, the broken line's dead letter, 21 records."""
    DROPS["left"] = drops
    with TestPipeline(runner=RETRYING[0][9:]) as p:
        read = p | beam.Create([path]) | beam.ParDo(ReadFileFn(CONFIG)).with_outputs(DEAD_LETTER, FILE_STATS, main="b")
        assert_that(read.b | beam.Map(len), equal_to([8, 8, 4]), label="batches")
        assert_that(read[DEAD_LETTER] | beam.Map(lambda d: d["reason"]), equal_to(["invalid_json"]), label="dead")
        assert_that(read[FILE_STATS] | beam.Map(lambda s: s["documents_read"]), equal_to([21]), label="read")


@pytest.fixture
def flaky_jsonl(write_jsonl):
    # 2.6 MB: the stream's 1 MiB reads drop midway, after a batch has been emitted
    rows = [{"id": str(i), "text": f"document {i} " + "word " * 26_000} for i in range(20)] + ["{broken"]
    return "flaky://" + str(write_jsonl(rows))


def test_a_transient_read_error_is_retried_in_the_stream_without_a_dead_letter(flaky_jsonl):
    _read_as_when_clean(flaky_jsonl, TRIES - 1)


def test_a_read_error_that_outlasts_the_stream_s_tries_fails_the_bundle_which_the_runner_retries(flaky_jsonl):
    _read_as_when_clean(flaky_jsonl, TRIES)  # the first try's outputs are dropped, not doubled


def test_a_read_error_that_never_ends_fails_the_run_instead_of_dead_lettering_the_file(flaky_jsonl):
    with pytest.raises(Exception, match="connection reset by peer"):
        _read_as_when_clean(flaky_jsonl, 10**6)


def test_a_transient_error_that_the_footer_reader_makes_its_own_is_raised_not_taken_for_a_bad_footer(
    tmp_path, monkeypatch
):
    def parts_of_its_own_error(stream, path, split_bytes):  # as native code does: no exception chain to follow
        try:
            stream.seek(1)
            stream.read()
        except ConnectionResetError:
            pass
        raise ValueError("not a Parquet footer")

    monkeypatch.setattr(transforms, "parquet_parts", parts_of_its_own_error)
    monkeypatch.setitem(DROPS, "left", 10**6)
    pq.write_table(pa.table({"text": ["a"]}), tmp_path / "a.parquet")
    with pytest.raises(ConnectionResetError, match="connection reset by peer"):
        list(SplitFileFn(CONFIG).process(f"flaky://{tmp_path}/a.parquet"))
