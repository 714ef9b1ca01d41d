"""The pipeline on a Dask cluster through Beam's DaskRunner (mended in ``pipeline.dask_runner``): a ``dask
scheduler`` and ``dask worker`` processes on 127.0.0.1, started here; the workers import synthsieve afresh."""

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from builders import SAMPLE
from dask_probes import Blocked, Lifecycle

distributed = pytest.importorskip("distributed", reason="the DaskRunner needs dask[distributed] (extra test)")
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="sample corpus not generated")

import apache_beam as beam  # noqa: E402 - after the skips: the Dask runner imports dask
import cloudpickle  # noqa: E402
from apache_beam.options.pipeline_options import PipelineOptions  # noqa: E402
from apache_beam.runners.runner import PipelineState  # noqa: E402

from synthsieve.pipeline.dask_runner import DaskRunner  # noqa: E402
from synthsieve.pipeline.run import OptionsError, check_beam_flags, runner  # noqa: E402

WORKERS = 2
# The workers cannot import this test module (pytest imports it by path): its DoFns travel by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(*args: str, cwd: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "dask", *args]
    return subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded worker processes; yields the scheduler's address."""
    cwd = tmp_path_factory.mktemp("dask")  # not the repository: the workers must get absolute paths
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _start("scheduler", "--host=127.0.0.1", f"--port={port}", "--dashboard-address=:0", cwd=cwd)
    workers = _start(
        "worker", address, "--host=127.0.0.1", f"--nworkers={WORKERS}", "--nthreads=1", "--no-dashboard", cwd=cwd
    )
    try:
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(WORKERS, timeout=120)
        yield address
    finally:
        for proc in (workers, scheduler):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)


def _synthsieve(*args):
    proc = subprocess.run(
        [sys.executable, "-m", "synthsieve", "--quiet", "run", *args], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _decisions(out: Path):
    parquet = f"read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
    return duckdb.sql(f"select id, label, p_synthetic, near_dup_cluster from {parquet} order by id").fetchall()


def test_the_sample_corpus_on_dask_workers_decides_as_the_direct_runner(cluster, tmp_path):
    sample = [str(p) for p in sorted(SAMPLE.iterdir())]
    _synthsieve(*sample, "-o", str(tmp_path / "direct"), "--direct_running_mode=in_memory")
    flags = ["--runner=DaskRunner", f"--dask_client_address={cluster}", "--dask_npartitions=4"]
    proc = _synthsieve(*sample, "-o", str(tmp_path / "dask"), *flags)
    manifest = json.loads((tmp_path / "dask" / "_manifest.json").read_text())
    assert "accounting balanced" in proc.stdout
    assert manifest["beam_options"]["runner"] == "DaskRunner" and manifest["documents_read"] == 79
    assert not manifest["file_errors"] and not (tmp_path / "dask" / "_staging").exists()
    assert _decisions(tmp_path / "dask") == _decisions(tmp_path / "direct")


def test_dask_flags_are_checked_as_beam_options():
    check_beam_flags(["--runner=DaskRunner", "--dask_client_address=tcp://127.0.0.1:1", "--dask_npartitions=4"])
    with pytest.raises(OptionsError, match="did you mean --dask_client_address"):
        check_beam_flags(["--dask_client_adress=tcp://127.0.0.1:1"])


@pytest.mark.parametrize("name", ["DaskRunner", "apache_beam.runners.dask.dask_runner.DaskRunner"])
def test_either_name_of_the_dask_runner_gives_the_mended_one(name):
    assert type(runner(PipelineOptions([f"--runner={name}"]))) is DaskRunner


class _Split(beam.DoFn):
    def process(self, n: int):
        yield [n, n]  # a list is one element, as a batch of records is
        if n % 2:
            yield beam.pvalue.TaggedOutput("odd", n)


def _lines(folder: Path, name: str) -> list[str]:
    return sorted(line for path in folder.glob(f"{name}*") for line in path.read_text().splitlines())


def test_each_output_reaches_only_its_consumers_and_every_sink_runs(cluster, tmp_path):
    options = PipelineOptions([f"--dask_client_address={cluster}", "--dask_npartitions=2"])
    with beam.Pipeline(DaskRunner(), options=options) as p:
        limit = p | "Limit" >> beam.Create([("max", 3)])
        split = p | beam.Create([1, 2, 3, 4]) | beam.ParDo(_Split()).with_outputs("odd", main="pairs")
        split.pairs | "Pairs" >> beam.io.WriteToText(str(tmp_path / "pairs"), shard_name_template="")
        (
            split.odd
            | beam.Filter(lambda n, limits: n <= limits["max"], beam.pvalue.AsDict(limit))
            | "Odd" >> beam.io.WriteToText(str(tmp_path / "odd"), shard_name_template="")
        )
    assert _lines(tmp_path, "pairs") == ["[1, 1]", "[2, 2]", "[3, 3]", "[4, 4]"]
    assert _lines(tmp_path, "odd") == ["1", "3"]


@pytest.fixture(scope="module")
def threads():
    """An in-process Dask cluster of one worker with two threads: its tasks share this process's objects."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as c:
        yield c.scheduler_address


def _run_lifecycle(address: str, fail: int) -> None:
    options = PipelineOptions([f"--dask_client_address={address}", "--dask_npartitions=4"])
    Lifecycle.set_up.clear()
    Lifecycle.torn_down.clear()
    with beam.Pipeline(DaskRunner(), options=options) as p:
        p | beam.Create(range(40)) | beam.ParDo(Lifecycle(fail))


def test_each_bundle_sets_up_and_tears_down_its_own_dofn_even_when_it_fails(threads):
    _run_lifecycle(threads, fail=-1)
    assert len({id(fn) for fn in Lifecycle.set_up}) == len(Lifecycle.set_up) == 4  # one instance per bundle
    assert Lifecycle.torn_down == Lifecycle.set_up
    with pytest.raises(ValueError, match="bad element"):
        _run_lifecycle(threads, fail=7)
    assert sorted(map(id, Lifecycle.torn_down)) == sorted(map(id, Lifecycle.set_up))


def test_a_wait_that_runs_out_leaves_the_job_running_and_connected(threads):
    options = PipelineOptions([f"--dask_client_address={threads}", "--dask_npartitions=1"])
    p = beam.Pipeline(DaskRunner(), options=options)
    p | beam.Create([1]) | beam.ParDo(Blocked())
    result = p.run()
    try:
        assert result.wait_until_finish(duration=200) == PipelineState.RUNNING
        assert result.client.status == "running"
    finally:
        Blocked.release.set()
    assert result.wait_until_finish() == PipelineState.DONE
    assert result.client.status == "closed"
