"""``synthsieve report`` end to end on the sample corpus's real output: JSON, HTML sections, flags, trend."""

import json
import re

import pytest
from click.testing import CliRunner

from synthsieve.cli import main
from synthsieve.config import load_config
from synthsieve.pipeline.outputs import MANIFEST
from synthsieve.report.bodies import known_human
from synthsieve.report.diversity import tokenize
from synthsieve.report.html import SECTIONS
from synthsieve.report.output_folder import MONTH, OutputFolder

from builders import SAMPLE

CORPUS = str(SAMPLE / "*")


def _corpus_texts():
    return known_human(CORPUS, 10**6, load_config().dedup).texts


def _report(out, tmp_path, *args, name="report.html"):
    html = tmp_path / name
    result = CliRunner().invoke(main, ["report", str(out), "--html", str(html), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return html, json.loads(html.with_suffix(".json").read_text()), result.output


def test_report_counts_match_the_manifest(sample_out, tmp_path):
    _, report, output = _report(sample_out, tmp_path)
    manifest = json.loads((sample_out / MANIFEST).read_text())
    assert {k: report["labels"][k]["documents"] for k in manifest["labels"]} == manifest["labels"]
    assert report["labels"]["dead_letter"]["documents"] == manifest["dead_letter"]["total"]
    assert report["dead_letter"] == manifest["dead_letter"]["by_reason"]
    assert report["labels"]["skipped"]["documents"] == manifest["skipped"]["total"] > 0
    assert report["skipped"] == manifest["skipped"]["by_reason"] and "Skipped records" in output
    assert sum(r["total"] for r in report["breakdowns"]["domain"]) == sum(manifest["labels"].values())
    scores = report["p_synthetic"]
    assert {k: sum(v) + scores["not_scored"][k] for k, v in scores["counts"].items()} == manifest["labels"]
    assert scores["not_scored"]["uncertain"] > 0 and scores["not_scored"]["human"] == 0  # short texts, no p
    assert report["p_synthetic"]["thresholds"]["synthetic"] == manifest["config"]["decision"]["synthetic_threshold"]
    assert report["diversity"]["known_human"] is None and report["flags"] == []
    assert "Labels" in output and "Diversity (no known-human text)" in output


def test_html_has_every_section_and_fetches_nothing(sample_out, tmp_path):
    html, _, _ = _report(sample_out, tmp_path, "--known-human", CORPUS)
    page = html.read_text()
    assert [s for s in SECTIONS if f'<section id="{s}">' not in page] == []
    assert page.count("<svg") == 3 + 1 + 2 + 2  # three histograms, type-token growth, two trend and two share charts
    assert "<script" not in page and not re.search(r"""(src|href)=|url\(|@import""", page)


def test_known_human_files_are_compared_on_equal_words(sample_out, tmp_path):
    _, report, output = _report(sample_out, tmp_path, "--known-human", CORPUS)
    known, human = report["diversity"]["known_human"], report["diversity"]["partitions"]["human"]
    # the corpus's documents; its 3 bad records (its PNG response is no document, and no bad record either)
    assert known["documents"] == 58 and known["skipped"] == 3
    assert human["measures"]["near_dup_rate"]["known_human"] == pytest.approx(3 / 58, abs=1e-6)  # 3 planted copies
    human_words = len(tokenize(OutputFolder(sample_out).sample("human")))
    assert human["words"] == human_words < len(tokenize(_corpus_texts()))  # cut to the human's size
    assert "Diversity against" in output


def test_a_partition_against_itself_changes_nothing(sample_out, tmp_path):
    _, report, _ = _report(sample_out, tmp_path, "--known-human", str(sample_out), "--max-change", "0")
    human = report["diversity"]["partitions"]["human"]["measures"]
    assert all(m["change"] in (0.0, None) and not m["flagged"] for m in human.values())
    assert any(f["partition"] == "synthetic" for f in report["flags"])


def test_bound_and_sample_settings(sample_out, tmp_path):
    _, strict, _ = _report(sample_out, tmp_path, "--known-human", CORPUS, "--max-change", "0", "--max-docs", "5")
    changes = [m for p in strict["diversity"]["partitions"].values() for m in p["measures"].values()]
    assert len(strict["flags"]) == sum(1 for m in changes if m["change"] not in (None, 0.0))
    assert all(p["sampled"] and p["sample_documents"] == 5 for p in strict["diversity"]["partitions"].values())
    _, loose, _ = _report(sample_out, tmp_path, "--known-human", CORPUS, "--max-change", "100", name="loose.html")
    assert loose["flags"] == []


def test_trend_over_runs_and_months(sample_out, tmp_path):
    _, report, _ = _report(sample_out, tmp_path, "--history", str(sample_out), "--trend-words", "300")
    trend = report["trend"]
    months = OutputFolder(sample_out).breakdown(MONTH, by_key=True)
    assert trend["runs"] == [str(sample_out), str(sample_out)] and len(trend["points"]) == 2 * len(months)
    march = [p for p in trend["points"] if p["month"] == "2024-03"][0]
    assert march["documents"] == {r["key"]: r["total"] for r in months}["2024-03"] >= 13  # the WARC crawl: 13 pages
    assert march["measures"] is not None
    _, few, _ = _report(sample_out, tmp_path, "--trend-words", "1000000", name="few.html")
    assert all(p["measures"] is None for p in few["trend"]["points"])


def test_the_report_is_deterministic(sample_out, tmp_path):
    first, _, _ = _report(sample_out, tmp_path, "--known-human", CORPUS, name="a.html")
    second, _, _ = _report(sample_out, tmp_path, "--known-human", CORPUS, name="b.html")
    assert first.read_bytes() == second.read_bytes()
    assert first.with_suffix(".json").read_bytes() == second.with_suffix(".json").read_bytes()


def test_not_an_output_folder_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 1 and "not a synthsieve output folder" in result.output
