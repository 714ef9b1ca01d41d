"""End to end on a real S3 API (moto's server on loopback, ``conftest.s3``): ``s3://`` inputs, two runs into one
``s3://`` output, a crash while publishing there, and the report of an ``s3://`` output folder."""

import io
import json

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from synthsieve.cli import main
from synthsieve.pipeline import publish as publishing
from synthsieve.pipeline.outputs import MANIFEST, STAGING, join

from builders import HUMAN_TEXT, SYNTHETIC_TEXT

IN_MEMORY = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
TWO_WORKERS = ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]
FIRST = [{"id": f"a{i}", "text": f"{HUMAN_TEXT} {i}"} for i in range(4)] + [{"id": "a9", "text": SYNTHETIC_TEXT}]
SECOND = [{"id": "b1", "text": SYNTHETIC_TEXT}, {"id": "b2", "text": HUMAN_TEXT + " again"}]


def _jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode() + b'{"id": "broken", "te\n'


def _run(*args: str):
    return CliRunner().invoke(main, ["--quiet", "run", *args], catch_exceptions=False)


def _ids(s3, out: str) -> list[str]:
    """The ids of the documents under ``out/label=*/``, read without Beam."""
    shards = [data for name, data in s3.files(out).items() if name.startswith("label=")]
    return sorted(i for data in shards for i in pq.read_table(io.BytesIO(data)).column("id").to_pylist())


def _assert_one_complete_run(s3, out: str, ids: list[str]) -> dict:
    """``out`` holds the manifest, exactly the shards it names, the documents ``ids`` and nothing staged."""
    files = s3.files(out)
    manifest = json.loads(files.pop(MANIFEST))
    assert sorted(files) == manifest["shards"] and manifest["balanced"]
    assert not [name for name in files if STAGING in name or "_scored" in name]
    assert _ids(s3, out) == ids
    return manifest


def _inputs(s3, folder: str) -> str:
    """Two JSON-lines files (each with a broken line) on S3; returns their folder."""
    s3.put(join(folder, "in", "first.jsonl"), _jsonl(FIRST))
    s3.put(join(folder, "in", "second.jsonl"), _jsonl(SECOND))
    return join(folder, "in")


@pytest.fixture
def inputs(s3, s3_folder):
    return _inputs(s3, s3_folder)


@pytest.fixture(scope="module")
def two_runs(s3):
    """One ``s3://`` output written by two runs: both files on two worker processes, then one file in memory;
    returns the folder and both manifests."""
    folder = s3.folder("two-runs")
    inputs, out = _inputs(s3, folder), join(folder, "runs", "out")
    assert _run(inputs, "-o", out, *TWO_WORKERS, *s3.flags).exit_code == 0
    first = json.loads(s3.files(out)[MANIFEST])
    assert _run(f"{inputs}/second.jsonl", "-o", out, *IN_MEMORY, *s3.flags).exit_code == 0
    return out, first, json.loads(s3.files(out)[MANIFEST])


def test_s3_inputs_are_read_by_worker_processes_as_local_files_are(s3, inputs, tmp_path):
    (tmp_path / "first.jsonl").write_bytes(_jsonl(FIRST))
    (tmp_path / "second.jsonl").write_bytes(_jsonl(SECOND))
    local = _run(str(tmp_path / "*.jsonl"), "-o", str(tmp_path / "local"), *IN_MEMORY)
    remote = _run(f"{inputs}/*.jsonl", "-o", str(tmp_path / "remote"), *TWO_WORKERS, *s3.flags)
    assert local.exit_code == 0 and remote.exit_code == 0, remote.output
    manifests = [json.loads((tmp_path / name / MANIFEST).read_text()) for name in ("local", "remote")]
    assert manifests[1]["inputs"] == [f"{inputs}/first.jsonl", f"{inputs}/second.jsonl"]
    assert manifests[1]["documents_read"] == 9 and manifests[1]["balanced"]
    assert (
        manifests[1]["labels"] == manifests[0]["labels"] and manifests[1]["dead_letter"] == manifests[0]["dead_letter"]
    )


def test_a_second_run_into_an_s3_output_replaces_the_first_exactly(s3, two_runs):
    out, first, second = two_runs
    assert sorted(first["inputs"]) == first["inputs"] and first["documents_read"] == 9
    assert second == _assert_one_complete_run(s3, out, ["b1", "b2"])
    assert second["run_id"] != first["run_id"] and second["documents_read"] == 3
    assert len(second["shards"]) < len(first["shards"])  # and not one of the first run's is left


def test_a_crash_while_publishing_to_s3_is_resumed_by_a_retry_of_the_step(s3, inputs, s3_folder, monkeypatch):
    out = join(s3_folder, "out")
    assert _run(inputs, "-o", out, *IN_MEMORY, *s3.flags).exit_code == 0
    move = publishing.move

    def half_then_crash(sources, targets):  # the shards' move dies half-way: half copied, none deleted
        monkeypatch.setattr(publishing, "move", move)
        half = len(sources) // 2
        move(sources[:half], targets[:half])
        raise RuntimeError("worker lost")

    monkeypatch.setattr(publishing, "move", half_then_crash)
    with pytest.raises(Exception, match="worker lost"):
        _run(f"{inputs}/second.jsonl", "-o", out, *IN_MEMORY, *s3.flags)
    files = s3.files(out)
    assert MANIFEST not in files  # deleted before the first shard moved: no reader takes the mix for a run
    [run_id] = {name.split("/")[1] for name in files if name.startswith(STAGING)}
    manifest = publishing.publish(out, run_id, lambda: pytest.fail("the plan was written: no recount"))
    assert manifest == _assert_one_complete_run(s3, out, ["b1", "b2"])


def test_the_report_reads_an_s3_output_and_its_history(s3, two_runs, tmp_path):
    out, _, manifest = two_runs
    html = tmp_path / "report.html"
    args = ["report", out, "--html", str(html), "--history", join(out.rsplit("/", 1)[0], "*"), *s3.flags]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(html.with_suffix(".json").read_text())
    assert {k: v["documents"] for k, v in report["labels"].items() if k in manifest["labels"]} == manifest["labels"]
    assert report["labels"]["dead_letter"]["documents"] == manifest["dead_letter"]["total"] == 1
    assert report["run"]["folder"] == out and report["trend"]["runs"] == [out, out]
