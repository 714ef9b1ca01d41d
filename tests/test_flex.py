"""The Flex Template launcher: template parameters become a ``synthsieve run`` command the real CLI parses."""

import datetime as dt

import click
import pytest

from synthsieve.cli import run
from synthsieve.flex import WORKER_IMAGE_ENV, template_parameters, to_cli

LAUNCH = dt.date(2024, 3, 1)


def _parse(argv):
    args = to_cli(argv, LAUNCH)
    assert args[0] == "run"
    return run.make_context("run", args[1:])


def test_every_run_option_is_a_template_parameter():
    params = template_parameters()
    assert set(params) == {
        "input", "output", "known_human", "known_synthetic", "dedup", "config", "format", "batch_size", "detectors",
        "min_words", "synthetic_threshold", "human_threshold", "lm", "lm_all", "lm_sample_rate",
    }  # fmt: skip
    assert {p.name for p in params.values()} == {p.name for p in run.params}


def test_parameters_fill_the_real_run_command(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("reader:\n  batch_size: 64\n")
    ctx = _parse(
        ["--input=gs://b/crawl/a.warc.gz, gs://b/crawl/b/*.jsonl.gz", "--output=gs://b/out", f"--config={config}",
         "--known_human=gs://b/h1.jsonl,gs://b/h2.parquet", "--known_synthetic=gs://b/s.jsonl", "--dedup=true",
         "--format=warc", "--batch_size=256", "--detectors=fasttext_words_v1,markers_v1", "--min_words=20",
         "--synthetic_threshold=0.9", "--human_threshold=0.2", "--lm=true", "--lm_sample_rate=0.01",
         "--runner=DataflowRunner", "--project=p", "--labels={\"team\": \"data\"}"]
    )  # fmt: skip
    assert ctx.params == {
        "inputs": ("gs://b/crawl/a.warc.gz", "gs://b/crawl/b/*.jsonl.gz",
                   "--runner=DataflowRunner", "--project=p", '--labels={"team": "data"}'),
        "output": "gs://b/out", "config_path": str(config),
        "known_human": ("gs://b/h1.jsonl", "gs://b/h2.parquet"), "known_synthetic": ("gs://b/s.jsonl",),
        "dedup": True, "format": "warc", "batch_size": 256, "detectors": "fasttext_words_v1,markers_v1",
        "min_words": 20, "synthetic_threshold": 0.9, "human_threshold": 0.2,
        "lm": True, "lm_all": False, "lm_sample_rate": 0.01,
    }  # fmt: skip


def test_launch_date_placeholders_name_a_partition():
    ctx = _parse(["--input=gs://b/dt={yesterday}/*.gz", "--output=gs://b/out/{yesterday:%Y/%m/%d}/run-{today}"])
    assert ctx.params["inputs"] == ("gs://b/dt=2024-02-29/*.gz",)
    assert ctx.params["output"] == "gs://b/out/2024/02/29/run-2024-03-01"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--input=gs://b/{tomorrow}/*", "--output=o"], "only {today} and {yesterday}"),
        (["--input=a", "--output=o", "--dedup=yes"], "--dedup: expected true or false"),
    ],
)
def test_bad_values_are_usage_errors(argv, message):
    with pytest.raises(click.UsageError, match=message):
        to_cli(argv, LAUNCH)


def test_dedup_false_and_absent_parameters_add_no_flag():
    assert to_cli(["--input=a", "--output=o", "--dedup=false"], LAUNCH) == ["run", "a", "--output=o"]


def test_a_template_launch_runs_on_dataflow_workers_of_this_image(monkeypatch):
    monkeypatch.setenv(WORKER_IMAGE_ENV, "europe-docker.pkg.dev/p/r/synthsieve:1")
    args = to_cli(["--input=a", "--output=o", "--template_location=gs://b/job_object"], LAUNCH)
    assert args[-2:] == ["--runner=DataflowRunner", "--sdk_container_image=europe-docker.pkg.dev/p/r/synthsieve:1"]
    explicit = to_cli(["--input=a", "--output=o", "--runner=PortableRunner", "--sdk_container_image=x"], LAUNCH)
    assert explicit[-2:] == ["--runner=PortableRunner", "--sdk_container_image=x"]


def test_without_a_template_location_the_runner_is_left_to_the_cli(monkeypatch):
    monkeypatch.delenv(WORKER_IMAGE_ENV, raising=False)
    assert to_cli(["--input=a", "--output=o"], LAUNCH) == ["run", "a", "--output=o"]
