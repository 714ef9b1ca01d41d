"""Packaging for remote workers: the wheel ``python -m build`` makes (as the Dockerfile does) carries the model
files and runs ``synthsieve run`` from a fresh virtual environment, away from the source tree."""

import json
import os
import subprocess
import sys
import zipfile

import pytest

from builders import REPO, SAMPLE

MODELS = REPO / "detectors" / "models"


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=900, **kwargs)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return proc


@pytest.mark.slow
@pytest.mark.skipif(not SAMPLE.exists(), reason="sample corpus not generated")
def test_wheel_carries_the_models_and_runs_the_sample_from_a_fresh_venv(tmp_path):
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path / "dist", REPO)
    [wheel] = (tmp_path / "dist").glob("synthsieve-*.whl")
    packaged = set(zipfile.ZipFile(wheel).namelist())
    assert {f"synthsieve/detectors/models/{m.name}" for m in MODELS.iterdir()} <= packaged

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    # Dependencies come from the package index, pinned to this environment's versions (same resolution, less time);
    # only what the wheel declares gets installed, so an undeclared import would fail below.
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(_run(sys.executable, "-m", "pip", "list", "--format=freeze", "--exclude-editable").stdout)
    _run(python, "-m", "pip", "install", "--quiet", "--constraint", constraints, wheel)
    _run(python, "-m", "pip", "check")

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = _run(python, "-c", "import synthsieve.detectors as d; print(d.__file__)", cwd=tmp_path, env=env)
    assert where.stdout.startswith(str(venv))
    out = tmp_path / "out"
    _run(venv / "bin" / "synthsieve", "--quiet", "run", *sorted(SAMPLE.iterdir()), "-o", out, cwd=tmp_path, env=env)
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["balanced"] and manifest["documents_read"] == 79 and all(manifest["labels"].values())
