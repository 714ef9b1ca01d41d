"""A run with known-human and known-synthetic references of its own sources writes the synthetic share per source
and month, its headline in the manifest and the report's section."""

import gzip
import json

import duckdb
import pytest
from click.testing import CliRunner

from synthsieve.cli import main
from synthsieve.config import load_config
from synthsieve.pipeline.run import run_job

from builders import DEV_SET

pytestmark = pytest.mark.skipif(not DEV_SET.exists(), reason=f"labelled set {DEV_SET} is absent (../shared)")
SITE = "https://essays.example.org"


def _texts(label: str, n: int) -> list[str]:
    out = []
    with gzip.open(DEV_SET, "rt") as f:
        for line in f:
            row = json.loads(line)
            if row["dataset"] == "l2r" and row["label"] == label and len(row["text"].split()) > 80:
                out.append(row["text"])
                if len(out) == n:
                    return out
    return out


def _write(path, texts: list[str], prefix: str, dates=("2024-01-15",)):
    rows = [
        {"text": t, "url": f"{SITE}/{prefix}/{i}", "timestamp": dates[i % len(dates)]} for i, t in enumerate(texts)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("share")
    human, synthetic = _texts("human", 140), _texts("synthetic", 90)
    known_human = _write(folder / "known_human.jsonl", human[0::2], "h")  # disjoint texts, alternately drawn
    known_synthetic = _write(folder / "known_synthetic.jsonl", synthetic[0::3] + synthetic[1::3], "s")
    mixed = human[1::2] + synthetic[2::3]  # 70 human, 30 synthetic
    inputs = _write(folder / "crawl.jsonl", mixed, "c", dates=("2024-01-15", "2024-02-15"))
    config = load_config(overrides={"share.min_references": 40, "share.min_documents": 20})
    out = folder / "out"
    beam = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
    manifest = run_job([inputs], str(out), config, beam, [known_human], [known_synthetic])
    rows = duckdb.sql(f"select * from '{out}/_accounting/synthetic_share/*.parquet'").fetchdf().to_dict("records")
    return out, manifest, {(r["source"], r["month"]): r for r in rows}


def test_the_source_is_estimated_against_its_own_references(run):
    _, _, rows = run
    source = rows["example.org", None]
    assert source["documents"] == 100 and source["method"].endswith("H=known; S=known")
    assert 40 <= source["human_references"] <= 70 and 40 <= source["synthetic_references"] <= 60
    assert source["share_lo"] <= 0.3 <= source["share_hi"] and abs(source["share"] - 0.3) < 0.15
    assert 0 <= source["share_floor"] <= source["share_hi"]
    assert {("example.org", "2024-01"), ("example.org", "2024-02"), (None, "2024-01"), (None, None)} <= set(rows)


def test_the_manifest_and_the_summary_carry_the_corpus_figures(run):
    out, manifest, rows = run
    headline = manifest["synthetic_share"]
    assert headline["share"] == rows[None, None]["share"] and headline["documents"] == 100
    assert headline["sources"] == 1 and headline["months"] == 2
    assert json.loads((out / "_manifest.json").read_text())["synthetic_share"] == headline


def test_the_report_shows_the_share_per_source_and_month(run, tmp_path):
    out, manifest, _ = run
    html = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(out), "--html", str(html)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = html.read_text()
    assert "Synthetic share" in page and "example.org" in page and "2024-02" in page
    assert "Synthetic share" in result.output


def test_the_posterior_column_and_the_source_prior_decision(run, tmp_path):
    out, _, rows = run
    shards = f"read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
    docs = duckdb.sql(f"select p_synthetic, p_synthetic_source, label from {shards}").fetchall()
    prior = rows["example.org", None]["share"]
    scored = [(p, post) for p, post, _ in docs if p is not None]
    assert scored and all(post is not None for _, post in scored)
    assert all((post < p) == (prior < 0.5) for p, post in scored if 0.01 < p < 0.99)


def test_with_decision_source_prior_the_posterior_decides(run, tmp_path):
    out, _, _ = run
    folder = out.parent
    config = load_config(
        overrides={"share.min_references": 40, "share.min_documents": 20, "decision.source_prior": True}
    )
    beam = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
    known = [str(folder / "known_human.jsonl")], [str(folder / "known_synthetic.jsonl")]
    run_job([str(folder / "crawl.jsonl")], str(tmp_path / "prior"), config, beam, *known)
    shards = "read_parquet('{}/label=*/*.parquet', hive_partitioning=true)"
    query = "select url, label, p_synthetic_source from {} order by url"
    before = {url: label for url, label, _ in duckdb.sql(query.format(shards.format(out))).fetchall()}
    after = duckdb.sql(query.format(shards.format(tmp_path / "prior"))).fetchall()
    d = config.decision
    assert all((label == "human") == (post is not None and post <= d.human_threshold) for _, label, post in after)
    assert sum(label == "human" for _, label, _ in after) > sum(label == "human" for label in before.values())
