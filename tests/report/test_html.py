"""The HTML of a hand-written output folder: a time-proportional trend axis, explained ``(none)`` rows, and the
documents without p_synthetic."""

import json
import re
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthsieve.pipeline.outputs import MANIFEST
from synthsieve.report.build import build_report
from synthsieve.report.html import NO_DOMAIN, render
from synthsieve.report.output_folder import NONE_KEY, OutputFolder
from synthsieve.report.trend import month_number, month_ticks

TEXT = "the quick brown fox jumps over the lazy dog while a cat watches from the warm kitchen window"


def _month(year: int, month: int) -> datetime:
    return datetime(year, month, 15, 12, 0, tzinfo=UTC)


def _write(folder, label: str, rows: list[tuple]) -> None:
    """Documents of one label: (id, domain, crawl_date, p_synthetic) each."""
    keys = ("id", "domain", "crawl_date", "p_synthetic")
    columns = {k: [r[i] for r in rows] for i, k in enumerate(keys)}
    n = len(rows)
    columns |= {
        "text": [f"{TEXT} {i}" for i in columns["id"]],
        "content_hash": [f"{i:0>32}" for i in columns["id"]],
        "lang": ["en"] * n,
        "n_words": [19] * n,
        "era": ["post_llm"] * n,
        "near_dup_cluster": columns["id"],
        "source_uri": ["docs.jsonl"] * n,
    }
    (folder / f"label={label}").mkdir()
    pq.write_table(pa.table(columns), folder / f"label={label}" / "part-0.parquet")


@pytest.fixture
def report(tmp_path):
    """Crawl months January, February and June 2024: one month, then four, between the points."""
    jan, feb, jun = _month(2024, 1), _month(2024, 2), _month(2024, 6)
    _write(tmp_path, "human", [("h1", "a.com", jan, 0.1), ("h2", "a.com", feb, 0.2), ("h3", "b.org", jun, 0.3)])
    _write(tmp_path, "synthetic", [("s1", "a.com", jun, 0.95)])
    _write(tmp_path, "uncertain", [("u1", None, jun, None), ("u2", "a.com", jan, 0.6)])
    (tmp_path / MANIFEST).write_text(json.dumps({"documents_read": 6}))
    return build_report(OutputFolder(tmp_path))


def _section(page: str, anchor: str) -> str:
    return page.split(f'<section id="{anchor}">')[1].split("</section>")[0]


def test_trend_points_sit_at_their_month_so_gaps_show(report):
    chart = _section(render(report), "trend").split("</svg>")[0]  # synthetic share by crawl month
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', chart)]
    assert len(xs) == 3
    assert xs[2] - xs[1] == pytest.approx(4 * (xs[1] - xs[0]), abs=0.2)  # Feb -> Jun is four times Jan -> Feb
    ticks = dict(re.findall(r'<text x="([\d.]+)" y="[\d.]+" fill="#444" text-anchor="middle">([\d-]+)</text>', chart))
    assert list(ticks.values()) == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert float(next(x for x, m in ticks.items() if m == "2024-06")) == pytest.approx(xs[2], abs=0.1)


def test_month_ticks_are_few_aligned_and_name_years_over_long_spans():
    assert month_number("2024-01") - month_number("2023-12") == 1
    labels = [label for _, label in month_ticks(month_number("2023-11"), month_number("2024-10"))]
    assert labels == ["2023-11", "2024-01", "2024-03", "2024-05", "2024-07", "2024-09"]  # every second month
    labels = [label for _, label in month_ticks(month_number("2019-05"), month_number("2024-04"))]
    assert labels == ["2020", "2021", "2022", "2023", "2024"]
    assert month_ticks(month_number("2024-03"), month_number("2024-03")) == [(month_number("2024-03"), "2024-03")]


def test_documents_without_a_domain_are_a_row_named_none_and_explained(report):
    rows = {r["key"]: r for r in report["breakdowns"]["domain"]}
    assert rows[NONE_KEY] == {"key": NONE_KEY, "human": 0, "synthetic": 0, "uncertain": 1, "total": 1}
    domains = _section(render(report), "domains")
    assert f"<td>{NONE_KEY}</td>" in domains and NO_DOMAIN in domains
    assert "(none): documents without a URL" in NO_DOMAIN
    assert NO_DOMAIN not in _section(render(report), "languages")


def test_a_domain_table_without_a_none_row_has_no_note(report):
    report["breakdowns"]["domain"] = [r for r in report["breakdowns"]["domain"] if r["key"] != NONE_KEY]
    assert NO_DOMAIN not in _section(render(report), "domains")


def test_documents_without_p_synthetic_are_counted_beside_the_histograms(report):
    scores = report["p_synthetic"]
    assert scores["not_scored"] == {"human": 0, "synthetic": 0, "uncertain": 1}
    labels = {k: report["labels"][k]["documents"] for k in scores["counts"]}
    assert {k: sum(v) + scores["not_scored"][k] for k, v in scores["counts"].items()} == labels
    assert "Documents without p_synthetic" in _section(render(report), "scores")
    assert "label=uncertain 1." in _section(render(report), "scores")
