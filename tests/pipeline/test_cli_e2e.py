"""End to end: the CLI on real JSONL, Parquet and WARC files; the output read back with DuckDB."""

import json
import os
import subprocess
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from synthsieve.cli import main
from synthsieve.config import load_config
from synthsieve.pipeline.annotate import Annotator

from builders import HUMAN_TEXT, SAMPLE, SYNTHETIC_TEXT, page, response_record

IN_MEMORY = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]


@pytest.fixture
def corpus(tmp_path, write_jsonl, write_warc):
    """One file per format, with documents of each kind and one bad record each."""
    jsonl = write_jsonl(
        [{"id": "h1", "text": HUMAN_TEXT, "url": "https://forum.bikes.example.com/t/1", "date": "2019-06-01"},
         {"id": "s1", "text": SYNTHETIC_TEXT, "url": "https://contentfarm.example.net/a"},
         {"id": "short", "text": "too short to judge"},
         '{"id": "broken", "text": "cut off'],
        "docs.jsonl.gz",
    )  # fmt: skip
    parquet = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": [HUMAN_TEXT, ""], "date": ["2020-01-01", None]}), parquet)
    ai_meta = '<meta name="generator" content="ChatGPT">'
    warc = write_warc(
        [response_record("https://news.example.co.uk/story", page(SYNTHETIC_TEXT, ai_meta)),
         response_record("https://example.org/logo.png", "PNG", content_type="image/png")]
    )  # fmt: skip
    return [str(jsonl), str(parquet), str(warc)]


def _run(args):
    result = CliRunner().invoke(main, ["--quiet", "run", *args], catch_exceptions=False)
    return result


def _labels(out):
    query = f"select id, label from read_parquet('{out}/label=*/*.parquet', hive_partitioning=true) order by id"
    return dict(duckdb.sql(query).fetchall())


def test_run_writes_partitioned_parquet_dead_letters_and_a_balanced_manifest(corpus, tmp_path):
    out = tmp_path / "out"
    result = _run([*corpus, "--output", str(out), *IN_MEMORY])
    assert result.exit_code == 0, result.output
    labels = _labels(out)
    assert labels["short"] == "uncertain"
    assert labels["s1"] == "synthetic"
    warc_id = [k for k in labels if k.startswith("<urn:uuid:")]
    assert len(warc_id) == 1 and labels[warc_id[0]] == "synthetic"
    dead = duckdb.sql(f"select reason from read_parquet('{out}/_accounting/dead_letter/*.parquet') order by 1")
    assert [r for (r,) in dead.fetchall()] == ["empty_text", "invalid_json"]
    skipped = duckdb.sql(f"select reason, url from read_parquet('{out}/_accounting/skipped/*.parquet')").fetchall()
    assert skipped == [("not_text:image/png", "https://example.org/logo.png")]
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["balanced"] and manifest["documents_read"] == 4 + 2 + 2
    assert manifest["dead_letter"]["total"] == 2 and sum(manifest["labels"].values()) == 5
    assert manifest["skipped"] == {"total": 1, "by_reason": {"not_text:image/png": 1}}
    assert manifest["files"][corpus[2]]["skipped"] == 1 and manifest["files"][corpus[2]]["balanced"]
    assert "records read from" in result.output and "not_text:image/png" in result.output


def test_output_schema_is_the_schema_module(corpus, tmp_path):
    out = tmp_path / "out"
    _run([*corpus, "--output", str(out), *IN_MEMORY])
    expected = Annotator(load_config()).decider.schema
    for shard in out.glob("label=*/*.parquet"):
        assert pq.read_schema(shard).remove_metadata().equals(expected, check_metadata=False), shard


def test_rerun_replaces_the_output_and_gives_identical_decisions(corpus, tmp_path):
    out = tmp_path / "out"
    _run([*corpus, "--output", str(out), *IN_MEMORY])
    parquet = f"read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
    query = f"select id, p_synthetic, label from {parquet} order by id"
    first = duckdb.sql(query).fetchall()
    _run([corpus[0], "--output", str(out), "--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    only_jsonl = duckdb.sql(query).fetchall()
    assert {row[0] for row in only_jsonl} == {"h1", "s1", "short"}
    assert only_jsonl == [row for row in first if row[0] in {"h1", "s1", "short"}]
    assert not (out / "_staging").exists()


def test_without_any_known_human_point_the_fused_path_decides_the_same(corpus, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("calibration:\n  use_pre_llm: false\n")
    _run([*corpus, "--output", str(tmp_path / "a"), *IN_MEMORY])
    _run([*corpus, "--output", str(tmp_path / "b"), "--config", str(config), *IN_MEMORY])
    assert _labels(tmp_path / "a") == _labels(tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "_manifest.json").read_text())
    assert manifest["balanced"] and manifest["calibration"]["calibrated_sources"] == 0


def test_fused_reading_and_scoring_decides_the_same_as_rebalanced_batches(corpus, tmp_path):
    for mode in ("always", "never"):
        config = tmp_path / f"{mode}.yaml"
        config.write_text(f"reader:\n  rebalance: {mode}\n")
        _run([*corpus, "--output", str(tmp_path / mode), "--config", str(config), "--direct_num_workers=2"])
        manifest = json.loads((tmp_path / mode / "_manifest.json").read_text())
        assert manifest["balanced"] and manifest["config"]["reader"]["rebalance"] == mode
    parquet = "read_parquet('{}/label=*/*.parquet', hive_partitioning=true)"
    query = "select id, p_synthetic, label, near_dup_cluster from {} order by id"
    rows = [duckdb.sql(query.format(parquet.format(tmp_path / mode))).fetchall() for mode in ("always", "never")]
    assert rows[0] == rows[1] and len(rows[0]) == 5


def test_missing_input_fails_with_a_clear_message(tmp_path):
    result = CliRunner().invoke(main, ["run", str(tmp_path / "nope*.jsonl"), "--output", str(tmp_path / "o")])
    assert result.exit_code != 0 and "no input file matches" in result.output


def test_bad_flag_value_is_a_usage_error(corpus, tmp_path):
    result = CliRunner().invoke(main, ["run", corpus[0], "-o", str(tmp_path), "--human-threshold", "0.99"])
    assert result.exit_code == 2 and "must be below" in result.output


def test_score_reads_stdin_and_writes_scored_jsonl():
    lines = [json.dumps({"id": "a", "text": SYNTHETIC_TEXT}), "{not json", json.dumps({"id": "b", "text": HUMAN_TEXT})]
    proc = subprocess.run(
        [sys.executable, "-m", "synthsieve", "score"],
        input="\n".join(lines),
        capture_output=True,
        text=True,
        check=True,
    )
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d["id"] for d in docs] == ["a", "b"] and docs[0]["label"] == "synthetic"
    assert 0.0 <= docs[1]["p_synthetic"] <= 1.0 and docs[1]["reasons"]
    assert json.loads(proc.stderr.strip().splitlines()[-1])["reason"] == "invalid_json"


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample corpus not generated")
def test_sample_corpus_runs_with_the_default_runner(tmp_path):
    out = tmp_path / "sample"
    proc = subprocess.run(
        [sys.executable, "-m", "synthsieve", "--quiet", "run", *map(str, sorted(SAMPLE.iterdir())), "-o", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["balanced"] and all(n > 0 for n in manifest["labels"].values())
    effective = manifest["beam_options"]
    assert effective["runner"] == "FnApiRunner" and effective["direct_running_mode"] == "multi_processing"
    assert effective["direct_num_workers"] == os.cpu_count()
