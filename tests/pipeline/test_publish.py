"""Publishing, on local files and on a real S3 API (moto's server on loopback): a crash after any number of
filesystem changes (half of a batch rename or delete, half of a file's bytes), then a retry of the same run or a new
run, ends in exactly one run's shards and its manifest; a manifest, whenever there is one, names a complete run."""

import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.io.filesystems import FileSystems

from synthsieve.pipeline.finalize import _finalize
from synthsieve.pipeline.outputs import DEAD_LETTERS, MANIFEST, STAGING, join, new_run_id
from synthsieve.pipeline.publish import PublishError, publish
from synthsieve.pipeline.tally import Tally

SHARD = "part-00000-of-00001.parquet"
PREVIOUS = [f"_accounting/known_documents/{SHARD}", "_near_dup_clusters/part-00000-of-00002.parquet",
            "_near_dup_clusters/part-00001-of-00002.parquet", "label=human/part-00000-of-00002.parquet",
            "label=human/part-00001-of-00002.parquet", f"label=synthetic/{SHARD}"]  # fmt: skip
NEW = [f"_accounting/dead_letter/{SHARD}", f"_near_dup_clusters/{SHARD}", f"label=human/{SHARD}",
       f"label=synthetic/{SHARD}"]  # fmt: skip
RERUN = [f"_accounting/skipped/{SHARD}", f"label=uncertain/{SHARD}"]  # NEW's cluster shard goes too
NOT_PUBLISHED = ["_scored/00000000000000ab.parquet", "label=human/beam-temp-part-1/x.parquet",
                 "_near_dup_clusters/beam-temp-part-1/x.parquet"]  # fmt: skip
KILLED = "20000101T000000Z-0000dead"  # a run killed long ago
NEW_RUN, RERUN_RUN = new_run_id(), new_run_id()  # runs started now


class Crash(Exception):
    """The process died here."""


class _Local:
    """Writes and reads local files without Beam, as ``conftest.S3`` does objects."""

    def put(self, path: str, data: bytes) -> None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        Path(path).write_bytes(data)

    def files(self, folder: str) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in Path(folder).rglob("*") if p.is_file()}


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    """A folder for the test's output folders, local or a prefix on the loopback S3 API, with what writes and reads
    it without Beam."""
    if request.param == "local":
        return str(tmp_path), _Local()
    return request.getfixturevalue("s3_folder"), request.getfixturevalue("s3")


@pytest.fixture
def local(tmp_path):
    return str(tmp_path), _Local()


def _stage(io, out: str, run: str, names: list[str]) -> None:
    for name in names + NOT_PUBLISHED:
        io.put(join(out, STAGING, run, name), f"{run}:{name}".encode())


def _count(run: str):
    return lambda: {"run_id": run, "documents_read": 3}


def _setup(where, name: str) -> str:
    """An output folder ``name`` with a previous run's output, a killed run's staging and ``NEW_RUN`` staged."""
    root, io = where
    out = join(root, name)
    for shard in PREVIOUS:
        io.put(join(out, shard), f"old:{shard}".encode())
    io.put(join(out, MANIFEST), json.dumps(_count("old")() | {"shards": PREVIOUS}).encode())
    _stage(io, out, KILLED, ["label=human/part-00000-of-00009.parquet"])
    _stage(io, out, NEW_RUN, NEW)
    return out


def _assert_published(io, out: str, run: str, names: list[str]) -> None:
    files = {k: v for k, v in io.files(out).items() if not k.startswith(f"{STAGING}/")}
    manifest = json.loads(files.pop(MANIFEST))
    assert manifest == {"run_id": run, "documents_read": 3, "shards": sorted(names)}
    assert files == {name: f"{run}:{name}".encode() for name in names}


def _staged_runs(io, out: str) -> set[str]:
    return {name.split("/")[1] for name in io.files(out) if name.startswith(f"{STAGING}/")}


def _assert_no_staging(io, out: str, *kept: str) -> None:
    """No staging folder is left in ``out`` but those of the runs ``kept`` (locally, none: no ``_staging/``)."""
    assert _staged_runs(io, out) == set(kept)
    assert kept or not os.path.exists(join(out, STAGING))


class _CutFile:
    """A file being written that gets half of the first bytes written into it, then the process dies."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, data: bytes):
        self.stream.write(data[: len(data) // 2])
        self.stream.close()
        raise Crash("create")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _crashing_after(monkeypatch, changes: int) -> list[int]:
    """Lets ``changes`` filesystem changes (create, rename, delete) happen, then crashes in the next: a batch rename
    or delete moves or deletes the first half of its files, a new file gets half its bytes. Returns a counter of the
    changes begun."""
    begun = [0]

    def crashes() -> bool:
        begun[0] += 1
        return begun[0] > changes

    def batch(op):
        def run(paths, *more):
            if crashes():
                half = len(paths) // 2
                op(paths[:half], *(m[:half] for m in more))
                raise Crash(op.__name__)
            return op(paths, *more)

        return run

    def create(*args, **kwargs):
        stream = real_create(*args, **kwargs)
        return _CutFile(stream) if crashes() else stream

    real_create = FileSystems.create
    monkeypatch.setattr(FileSystems, "rename", batch(FileSystems.rename))
    monkeypatch.setattr(FileSystems, "delete", batch(FileSystems.delete))
    monkeypatch.setattr(FileSystems, "create", create)
    return begun


def test_publish_replaces_the_previous_run_and_clears_its_and_a_killed_runs_staging(store):
    out, io = _setup(store, "out"), store[1]
    manifest = publish(out, NEW_RUN, _count(NEW_RUN))
    assert manifest["shards"] == sorted(NEW)
    _assert_published(io, out, NEW_RUN, NEW)
    _assert_no_staging(io, out)


def test_a_retry_after_the_commit_only_tidies_and_returns_the_published_manifest(store):
    out, io = _setup(store, "out"), store[1]
    first = publish(out, NEW_RUN, _count(NEW_RUN))
    _stage(io, out, NEW_RUN, [])  # left by a crash before staging was deleted
    assert publish(out, NEW_RUN, lambda: pytest.fail("counted again")) == first
    _assert_published(io, out, NEW_RUN, NEW)
    _assert_no_staging(io, out)


@pytest.mark.parametrize("then", ["retry", "new run"])
def test_a_crash_after_any_change_converges_on_retry_or_on_the_next_run(local, monkeypatch, then):
    io, probe = local[1], _setup(local, "probe")
    with monkeypatch.context() as patch:
        changes = _crashing_after(patch, 10**6)
        publish(probe, NEW_RUN, _count(NEW_RUN))
    assert changes[0] == 6  # plan, old manifest, old shards, shards, manifest, staging
    for crash_after in range(changes[0]):
        out = _setup(local, str(crash_after))
        with monkeypatch.context() as patch, pytest.raises(Crash):
            _crashing_after(patch, crash_after)
            publish(out, NEW_RUN, _count(NEW_RUN))
        if manifest := io.files(out).get(MANIFEST):  # a manifest marks a complete output, whatever else is left
            run = json.loads(manifest)["run_id"]
            _assert_published(io, out, run, {"old": PREVIOUS, NEW_RUN: NEW}[run])
        if then == "retry":
            publish(out, NEW_RUN, _count(NEW_RUN))
            _assert_published(io, out, NEW_RUN, NEW)
            _assert_no_staging(io, out)
        else:
            staged = NEW_RUN in _staged_runs(io, out)
            _stage(io, out, RERUN_RUN, RERUN)
            publish(out, RERUN_RUN, _count(RERUN_RUN))
            _assert_published(io, out, RERUN_RUN, RERUN)
            _assert_no_staging(io, out, *[NEW_RUN] * staged)  # the crashed run's staging is fresh: it stays


def test_a_run_whose_staged_shards_vanished_stops_before_touching_the_output(local, monkeypatch):
    out, io = _setup(local, "out"), local[1]
    with monkeypatch.context() as patch, pytest.raises(Crash):
        _crashing_after(patch, 1)  # the plan is written
        publish(out, NEW_RUN, _count(NEW_RUN))
    os.remove(join(out, STAGING, NEW_RUN, NEW[0]))  # by another run into the same folder
    before = io.files(out)
    with pytest.raises(PublishError, match="1 shard"):
        publish(out, NEW_RUN, _count(NEW_RUN))
    assert io.files(out) == before


@pytest.mark.parametrize("gone", ["folder", "shards"])
def test_a_run_whose_staging_vanished_before_the_plan_stops_before_touching_the_output(store, gone):
    out, io = _setup(store, "out"), store[1]
    for name in NEW if gone == "shards" else NEW + NOT_PUBLISHED:  # by another run into the same folder
        FileSystems.delete([join(out, STAGING, NEW_RUN, name)])
    before = io.files(out)
    with pytest.raises(PublishError, match="holds no shard"):
        publish(out, NEW_RUN, lambda: pytest.fail("counted: nothing was staged"))
    assert io.files(out) == before


def test_staged_shards_without_the_rows_counted_are_not_published(local):
    out, io = _setup(local, "out"), local[1]
    staging = join(out, STAGING, NEW_RUN)
    shutil.rmtree(staging)
    os.makedirs(join(staging, DEAD_LETTERS))
    pq.write_table(pa.table({"reason": ["a", "b"]}), join(staging, DEAD_LETTERS, SHARD))
    tally = Tally()
    tally.rows[DEAD_LETTERS] = 3
    before = io.files(out)
    with pytest.raises(PublishError, match=r"do not hold the rows counted: .*\('_accounting/dead_letter', 3, 2\)"):
        _finalize(None, out, {"run_id": NEW_RUN}, 0.0, tally)
    assert io.files(out) == before


def test_tidying_keeps_a_concurrent_runs_staging_and_deletes_a_killed_ones(store):
    out, io = _setup(store, "out"), store[1]
    live = new_run_id()
    _stage(io, out, live, ["label=human/part-00000-of-00003.parquet"])
    _stage(io, out, "label=human", [])  # not a run's: an older layout
    publish(out, NEW_RUN, _count(NEW_RUN))
    _assert_published(io, out, NEW_RUN, NEW)
    _assert_no_staging(io, out, live)
