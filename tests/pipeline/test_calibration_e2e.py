"""Per-source calibration against known-human documents, end to end on a population the defaults do not fit."""

import gzip
import json

import duckdb
import pytest
from click.testing import CliRunner

from synthsieve.cli import main

from builders import DEV_SET

pytestmark = pytest.mark.skipif(
    not DEV_SET.exists(), reason=f"labelled set {DEV_SET} is absent (CI without ../shared)"
)


def _l2r_humans() -> list[dict]:
    with gzip.open(DEV_SET, "rt") as f:
        rows = [json.loads(line) for line in f]
    return [
        {"id": r["id"], "text": r["text"], "source": "l2r"}
        for r in rows
        if r["dataset"] == "l2r" and r["label"] == "human"
    ]


def test_known_human_holds_false_positives_of_the_other_half_to_two_percent(tmp_path):
    humans = _l2r_humans()
    known_human, held_out = tmp_path / "known_human.jsonl", tmp_path / "held_out.jsonl"
    known_human.write_text("".join(json.dumps(r) + "\n" for r in humans[0::2]))
    held_out.write_text("".join(json.dumps(r) + "\n" for r in humans[1::2]))
    config = tmp_path / "config.yaml"
    config.write_text("calibration:\n  group_field: source\n  min_known_human: 200\n  target_fpr: 0.01\n")
    out = tmp_path / "out"

    def run(*extra):
        args = ["--quiet", "run", str(held_out), "-o", str(out), "--config", str(config), *extra]
        result = CliRunner().invoke(main, [*args, "--direct_running_mode=in_memory"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        query = f"select label, reasons from read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
        return duckdb.sql(query).fetchall(), json.loads((out / "_manifest.json").read_text())

    uncalibrated, _ = run()
    calibrated, manifest = run("--known-human", str(known_human))
    share = sum(label == "synthetic" for label, _ in calibrated) / len(calibrated)
    assert share <= 0.02, share
    [source] = manifest["calibration"]["sources"]
    assert source["source"] == "source=l2r" and source["known_human"] > 200
    assert all(f"calibration:source=l2r:n={source['known_human']}" in reasons for _, reasons in calibrated)
    # the population is one the global thresholds do not fit: calibration changes its decisions
    assert sum(label == "synthetic" for label, _ in uncalibrated) != sum(
        label == "synthetic" for label, _ in calibrated
    )
