"""Worker faults: a step that fails once on one bundle, after emitting its outputs, is retried by the runner, and the
output is complete and without duplicates.

The fault is injected by test-local subclasses of the real DoFns, put into the real graph; Beam's bundle-based
DirectRunner retries a failed bundle (up to 4 attempts) and keeps only the outputs of the attempt that succeeds, as
Dataflow does. (The default FnApi DirectRunner does not retry.)
"""

import json
from pathlib import Path

import duckdb
import pytest

from synthsieve.config import load_config
from synthsieve.pipeline import graph, transforms
from synthsieve.pipeline.run import run_job

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
