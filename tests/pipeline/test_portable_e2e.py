"""The pipeline on Beam's portable runner, as on Dataflow: every DoFn serialised, user code run by SDK workers.

``--job_endpoint=embed`` starts Beam's own job service in the launching process. LOOPBACK runs the SDK worker in
that process; EXTERNAL runs it in separate worker processes started by Beam's worker pool, which import
synthsieve afresh (nothing of the launching process is pickled along). PROCESS is not offered by the embedded job
service, and DOCKER needs the SDK image from a registry: see docs/DEPLOY.md.
"""

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

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="sample corpus not generated")
PORTABLE = ["--runner=PortableRunner", "--job_endpoint=embed"]


def _sample() -> list[str]:
    return [str(p) for p in sorted(SAMPLE.iterdir())]


def _synthsieve(*args, module="synthsieve"):
    proc = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _decisions(out: Path):
    parquet = f"read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
    return duckdb.sql(f"select id, label, p_synthetic, near_dup_cluster from {parquet} order by id").fetchall()


def _manifest(out: Path) -> dict:
    return json.loads((out / "_manifest.json").read_text())


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    """The sample corpus through the DirectRunner in one process: the decisions every runner must reproduce."""
    out = tmp_path_factory.mktemp("direct")
    _synthsieve("--quiet", "run", *_sample(), "-o", str(out), "--direct_running_mode=in_memory")
    return _decisions(out)


@pytest.fixture(scope="module")
def worker_pool():
    """Beam's worker pool on a free local port; it starts each SDK worker as ``python`` from PATH: this one."""
    with socket.socket() as s:
        s.bind(("localhost", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    pool = subprocess.Popen(
        [sys.executable, "-m", "apache_beam.runners.worker.worker_pool_main", f"--service_port={port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    yield f"localhost:{port}"
    os.killpg(pool.pid, signal.SIGTERM)
    pool.wait(timeout=60)


def test_loopback_through_the_flex_template_launcher_decides_as_the_direct_runner(direct, tmp_path):
    out = tmp_path / "out"
    loopback = [*PORTABLE, "--environment_type=LOOPBACK"]
    _synthsieve(f"--input={','.join(_sample())}", f"--output={out}", *loopback, module="synthsieve.flex")
    manifest = _manifest(out)
    assert manifest["beam_options"]["runner"] == "PortableRunner" and manifest["balanced"]
    assert manifest["documents_read"] == 79 and not (out / "_staging").exists()
    assert _decisions(out) == direct


def test_external_worker_processes_decide_as_the_direct_runner(direct, worker_pool, tmp_path):
    out = tmp_path / "out"
    env = ["--environment_type=EXTERNAL", f"--environment_config={worker_pool}"]
    proc = _synthsieve("--quiet", "run", *_sample(), "-o", str(out), *PORTABLE, *env)
    assert "accounting balanced" in proc.stdout
    assert _manifest(out)["beam_args"] == [*PORTABLE, *env]
    assert _decisions(out) == direct
