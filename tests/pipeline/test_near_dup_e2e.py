"""End to end: near-duplicate columns, the cluster table, content-farm and known-synthetic signals, and ``--dedup``
accounting."""

import json
import random

import duckdb
import pytest
from click.testing import CliRunner

from synthsieve.cli import main

IN_MEMORY = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
RNG = random.Random(5)
VOCAB = sorted({"".join(RNG.choice("bdfgklmnprstv") + RNG.choice("aeiou") for _ in range(3)) for _ in range(3000)})


def _text(rng: random.Random, n: int = 160) -> list[str]:
    return [rng.choice(VOCAB) for _ in range(n)]


def _copy(words: list[str], rng: random.Random, share: float = 0.03) -> str:
    words = list(words)
    for i in rng.sample(range(len(words)), round(share * len(words))):
        words[i] = rng.choice(VOCAB)
    return " ".join(words)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A farm (one text on six domains), a same-domain pair, a copy of known synthetic text and a loner."""
    rng, folder = random.Random(9), tmp_path_factory.mktemp("near_dup")
    farm, pair, known = _text(rng), _text(rng), _text(rng)
    rows = [{"id": "farm0", "text": " ".join(farm), "url": "https://a.example.com/x", "date": "2024-01-02"}]
    rows += [{"id": f"farm{i}", "text": _copy(farm, rng), "url": f"https://www.site{i}.org/p"} for i in range(1, 6)]
    rows += [
        {"id": f"pair{i}", "text": _copy(pair, rng, 0.03 * i), "url": f"https://blog.example.net/{i}"} for i in (0, 1)
    ]
    rows += [{"id": "known", "text": _copy(known, rng), "url": "https://k.example.com/"}]
    rows += [{"id": "loner", "text": " ".join(_text(rng)), "url": "https://l.example.com/"}]
    corpus, known_synthetic = folder / "corpus.jsonl", folder / "known_synthetic.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    known_synthetic.write_text(json.dumps({"id": "ref", "text": " ".join(known)}) + "\n")
    return folder, str(corpus), str(known_synthetic)


def _run(args):
    result = CliRunner().invoke(main, ["--quiet", "run", *args, *IN_MEMORY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _rows(out):
    query = (
        "select id, label, near_dup_cluster, near_dup_count, is_canonical, near_dup_domain_count, "
        f"near_dup_known_synthetic, reasons from read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
    )
    names = query.split("select ")[1].split(" from")[0].split(", ")
    return {row[0]: dict(zip(names, row)) for row in duckdb.sql(query).fetchall()}


@pytest.fixture(scope="module")
def first_run(files):
    folder, corpus, known_synthetic = files
    out = folder / "out"
    _run([corpus, "--output", str(out), "--known-synthetic", known_synthetic])
    return out, _rows(out), json.loads((out / "_manifest.json").read_text())


def test_every_document_has_its_cluster_columns(first_run):
    rows = first_run[1]
    assert {rows[f"farm{i}"]["near_dup_cluster"] for i in range(6)} == {"farm0"}
    assert [rows[f"farm{i}"]["is_canonical"] for i in range(6)] == [True] + [False] * 5  # the only dated one
    assert rows["farm3"]["near_dup_count"] == 6 and rows["farm3"]["near_dup_domain_count"] == 6
    assert rows["pair1"]["near_dup_cluster"] == "pair0" and rows["pair1"]["near_dup_domain_count"] == 1
    assert rows["loner"]["near_dup_cluster"] == "loner" and rows["loner"]["near_dup_count"] == 1
    assert rows["loner"]["is_canonical"] and rows["loner"]["near_dup_domain_count"] == 1


def test_the_cluster_table_has_a_row_per_cluster_that_joins_its_documents(first_run):
    out, rows, manifest = first_run
    clusters = f"read_parquet('{out}/_near_dup_clusters/*.parquet')"
    assert duckdb.sql(f"select * from {clusters} order by near_dup_cluster").fetchall() == [
        ("farm0", 6, "farm0", ["example.com", "site1.org", "site2.org", "site3.org", "site4.org", "site5.org"], False),
        ("pair0", 2, "pair0", ["example.net"], False),  # the known-synthetic match and the loner have no row
    ]
    assert duckdb.sql(f"select count(*) from {clusters}").fetchall() == [(manifest["near_duplicates"]["clusters"],)]
    docs = f"read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
    query = f"select id, members, canonical_id, len(domains) from {docs} join {clusters} using (near_dup_cluster)"
    joined = {row[0]: row[1:] for row in duckdb.sql(query).fetchall()}
    assert joined == {
        **{f"farm{i}": (6, "farm0", rows[f"farm{i}"]["near_dup_domain_count"]) for i in range(6)},
        **{f"pair{i}": (2, "pair0", 1) for i in range(2)},
    }


def test_farm_and_known_synthetic_signals_give_reasons_and_decide(first_run):
    rows = first_run[1]
    assert all("near_dup_farm:domains=6" in rows[f"farm{i}"]["reasons"] for i in range(6))
    assert not any(r.startswith("near_dup_farm") for r in rows["pair0"]["reasons"])
    assert rows["known"]["near_dup_known_synthetic"] and rows["known"]["label"] == "synthetic"
    assert "near_dup_of_known_synthetic" in rows["known"]["reasons"] and "ref" not in rows


def test_manifest_counts_clusters_copies_and_matches(first_run):
    near_dup = dict(first_run[2]["near_duplicates"])
    # Node keys hash the source path (a new temporary folder each run) and the rounds a component needs depend on
    # the order of its keys: this farm's verified graph (11 of 15 edges) needs 3 rounds in 72 of its 720 orders.
    assert near_dup.pop("rounds_used") in (2, 3)
    assert near_dup == {
        "clusters": 2,
        "duplicates": 6,
        "removed": 0,
        "known_synthetic_matches": 1,
        "largest_cluster": 6,
        "round_limit": 12,
        "converged": True,
    }
    manifest = first_run[2]
    assert manifest["minhash"] == "mh128_w5_s1_b32r4" and manifest["config"]["dedup"]["partitions"] == 4
    assert manifest["balanced"] and manifest["documents_read"] == 10


def test_dedup_leaves_out_human_and_uncertain_copies_and_still_balances(files, first_run, tmp_path):
    _, corpus, _ = files
    _run([corpus, "--output", str(tmp_path), "--dedup"])
    rows, manifest = _rows(tmp_path), json.loads((tmp_path / "_manifest.json").read_text())
    before = first_run[1]
    dropped = {i for i, r in before.items() if not r["is_canonical"] and r["label"] != "synthetic"}
    assert dropped and set(rows) == set(before) - dropped
    query = f"select id, label from read_parquet('{tmp_path}/_accounting/deduplicated/*.parquet') order by id"
    assert dict(duckdb.sql(query).fetchall()) == {i: before[i]["label"] for i in dropped}
    assert manifest["near_duplicates"]["removed"] == len(dropped) and manifest["balanced"]
    assert sum(manifest["labels"].values()) + len(dropped) == manifest["documents_read"]
