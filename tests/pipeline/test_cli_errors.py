"""Clear errors: bad flags, bad config files, missing models, input files that cannot be read."""

import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from synthsieve.cli import main
from synthsieve.detectors import base

from builders import HUMAN_TEXT

IN_MEMORY = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]


@pytest.fixture
def good(write_jsonl):
    return str(write_jsonl([{"id": "a", "text": HUMAN_TEXT}]))


def _run(*args):
    return CliRunner().invoke(main, ["--quiet", "run", *args])


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--batchsize=3"], "unknown option --batchsize=3 (did you mean --batch-size?): neither synthsieve's nor"),
        (["--runner", "DirectRunner"], "--runner needs a value: write Beam options as --runner=VALUE"),
        (["--batch-size", "many"], "'many' is not a valid integer"),
        (["--format", "csv"], "'csv' is not one of"),
    ],
)
def test_bad_flags_are_usage_errors(good, tmp_path, flags, message):
    result = _run(good, "-o", str(tmp_path / "out"), *flags)
    assert result.exit_code == 2 and message in result.output, result.output


@pytest.mark.parametrize(
    "command, flags", [("run", ["--known-human", "--known-synthetic"]), ("report", ["--known-human"])]
)
def test_help_names_each_role_and_no_reference_flag(command, flags):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and all(flag in result.output for flag in flags), result.output
    assert "--reference" not in result.output and "--human-reference" not in result.output


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ("reader:\n  max_doc_bytes: 5\n", "unknown key(s) ['reader.max_doc_bytes']; allowed: ['batch_size',"),
        ("reader:\n  max_html_depth: deep\n", "reader.max_html_depth: expected int, got 'deep'"),
        ("reader:\n  extract_timeout_s: -2\n", "reader.extract_timeout_s: -2.0 must be 0 (no limit) or positive"),
        ("decision:\n  synthetic_threshold: 2\n", "decision.synthetic_threshold: 2.0 is outside [0, 1]"),
    ],
)
def test_bad_config_files_name_the_key_the_value_and_what_is_allowed(good, tmp_path, yaml_text, message):
    config = tmp_path / "bad.yaml"
    config.write_text(yaml_text)
    result = _run(good, "-o", str(tmp_path / "out"), "--config", str(config))
    assert result.exit_code == 2 and "bad configuration: " in result.output and message in result.output


def test_a_missing_model_file_is_named(good, tmp_path, monkeypatch):
    monkeypatch.setattr(base, "MODELS", tmp_path / "models")
    result = _run(good, "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    names = "fasttext_distort_v2, fasttext_words_v1, fasttext_chars_v1, markers_v1"
    assert f"cannot load the models of detectors.enabled ({names})" in result.output
    assert "models/fasttext_distort_v2.ftz" in result.output and not (tmp_path / "out").exists()


def test_a_file_of_unknown_format_fails_before_the_run(good, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("plain text\n")
    result = _run(good, str(notes), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and f"cannot tell the format of {notes}: use --format" in result.output


def test_files_that_cannot_be_read_fail_the_run_after_the_rest_is_written(good, tmp_path):
    not_parquet = tmp_path / "table.parquet"
    not_parquet.write_text('{"text": "JSON lines in a .parquet file"}\n')
    not_warc = tmp_path / "crawl.warc.gz"
    not_warc.write_bytes(b"\x1f\x8b\x08 this is not gzip, nor WARC")
    parquet_named_jsonl = tmp_path / "rows.jsonl"
    pq.write_table(pa.table({"text": ["a", "b", "c"]}), parquet_named_jsonl)
    plain_named_gz = tmp_path / "lines.jsonl.gz"
    plain_named_gz.write_text('{"text": "one"}\n{"text": "two"}\n')
    bad = [str(p) for p in (not_parquet, not_warc, parquet_named_jsonl, plain_named_gz)]
    out = tmp_path / "out"
    result = _run(good, *bad, "-o", str(out), *IN_MEMORY)
    assert result.exit_code == 1
    assert "the run is incomplete (output and manifest written)" in result.output
    assert f"cannot read {not_parquet} (input): ArrowInvalid" in result.output
    assert f"cannot read {not_warc} (input): NotWarc: not a WARC file" in result.output
    assert f"cannot read {parquet_named_jsonl} (input): WrongContent: {parquet_named_jsonl} is a Parquet file" in (
        result.output
    )
    assert f"cannot read {plain_named_gz} (input): WrongContent: {plain_named_gz} is not gzip data" in result.output
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["balanced"] and manifest["labels"]["uncertain"] + manifest["labels"]["human"] == 1
    assert [e["source_uri"] for e in manifest["file_errors"]] == sorted(bad)
    assert manifest["dead_letter"]["total"] == 0  # whole-file errors, not a dead letter per line


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_named(good, tmp_path):
    locked = tmp_path / "locked.jsonl"
    locked.write_text('{"text": "secret"}\n')
    locked.chmod(0)
    result = _run(good, str(locked), "-o", str(tmp_path / "out"), *IN_MEMORY)
    assert result.exit_code == 1 and f"cannot read {locked} (input): PermissionError" in result.output


def test_a_known_human_file_that_cannot_be_read_fails_the_run_too(good, tmp_path):
    broken = tmp_path / "known_human.parquet"
    broken.write_bytes(b"not parquet")
    result = _run(good, "-o", str(tmp_path / "out"), "--known-human", str(broken), *IN_MEMORY)
    assert result.exit_code == 1 and f"cannot read {broken} (known_human): ArrowInvalid" in result.output
