import pickle
import random
from datetime import UTC, datetime

import apache_beam as beam
import pyarrow as pa
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from synthsieve.dedup.clusters import near_dup_columns, near_duplicates
from synthsieve.dedup.fingerprints import fingerprints
from synthsieve.dedup.lsh import estimated_jaccard
from synthsieve.dedup.minhash import MinHashParams, signatures
from synthsieve.pipeline.near_dup import (
    CLUSTERS,
    CONVERGENCE,
    PER_CLUSTER,
    UNCONVERGED,
    NearDuplicates,
    convergence_row,
)
from synthsieve.provenance.ids import content_hash
from synthsieve.schemas.records import CLUSTER_SCHEMA, NEAR_DUP_CLUSTER_SCHEMA

PARAMS = MinHashParams()
IN_MEMORY = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
MULTI = ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]
BUNDLES = ["--runner=BundleBasedDirectRunner"]  # mixes up side inputs of multi-output steps (docs/DEDUP_NOTES.md)
RNG = random.Random(7)
VOCAB = sorted({"".join(RNG.choice("bcdfghklmnprstvz") + RNG.choice("aeiou") for _ in range(3)) for _ in range(4000)})


def _words(n: int, rng: random.Random) -> list[str]:
    return [rng.choice(VOCAB) for _ in range(n)]


def _edit(words: list[str], share: float, rng: random.Random) -> list[str]:
    """A copy with ``share`` of its words replaced by random others."""
    copy = list(words)
    for i in rng.sample(range(len(copy)), round(share * len(copy))):
        copy[i] = rng.choice(VOCAB)
    return copy


def _docs(texts: dict[str, str], dates: dict[str, str] | None = None) -> list[dict]:
    dates = dates or {}
    return [
        {
            "id": doc,
            "text": text,
            "content_hash": content_hash(text),
            "domain": f"{doc}.example.com",
            "crawl_date": datetime.fromisoformat(dates[doc]).replace(tzinfo=UTC) if doc in dates else None,
            "source_uri": "mem://planted",
            "source_offset": i,
        }
        for i, (doc, text) in enumerate(texts.items())
    ]


def _batches(docs: list[dict], size: int = 17) -> list:
    """Fingerprints in small batches, so clusters span batches and partitions."""
    return [fingerprints(docs[i : i + size], PARAMS) for i in range(0, len(docs), size)]


def _rows(docs: list[dict], clustered: pa.Table) -> list[dict]:
    """Every document's near-duplicate columns, sorted by id."""
    batch = fingerprints(docs, PARAMS)
    domains = pa.chunked_array([pa.array([d["domain"] for d in docs], pa.string())])
    cols = near_dup_columns(batch.nodes, [d["id"] for d in docs], domains, clustered)
    rows = [{"id": d["id"], **{k: v[i].as_py() for k, v in cols.items()}} for i, d in enumerate(docs)]
    return sorted(rows, key=lambda r: r["id"])


def _chain_texts(links: int, rng: random.Random, shift: int = 30) -> list[str]:
    """Windows of 150 words sliding by ``shift``: neighbours are near-duplicates, windows two apart are not."""
    words = _words(150 + shift * links, rng)
    return [" ".join(words[shift * k : shift * k + 150]) for k in range(links + 1)]


@pytest.fixture(scope="module")
def planted():
    """40 originals with a copy each (3-5% of words replaced), an exact duplicate, a chain and 30 unrelated texts.

    Returns the documents and the expected clusters (sets of ids, singletons included).
    """
    rng = random.Random(11)
    texts, clusters = {}, []
    for i in range(40):
        words = _words(150, rng)
        texts[f"orig{i:02d}"] = " ".join(words)
        texts[f"copy{i:02d}"] = " ".join(_edit(words, (0.03, 0.04, 0.05)[i % 3], rng))
        clusters.append({f"orig{i:02d}", f"copy{i:02d}"})
    texts["exact"] = "  " + texts["orig00"].upper().replace(" ", "\n")
    clusters[0].add("exact")
    texts["chain_a"], texts["chain_b"], texts["chain_c"] = _chain_texts(2, rng)
    clusters.append({"chain_a", "chain_b", "chain_c"})
    for i in range(30):
        texts[f"other{i:02d}"] = " ".join(_words(rng.randint(120, 200), rng))
        clusters.append({f"other{i:02d}"})
    dates = {f"orig{i:02d}": "2019-05-01" for i in range(0, 40, 2)}
    return _docs(texts, dates=dates), clusters


def _run(docs, flags, tmp_path, partitions=7, **kwargs):
    """Runs NearDuplicates; returns every document's rows sorted by id, the UNCONVERGED counter, the convergence
    row and the cluster rows sorted by cluster id."""
    p = beam.Pipeline(options=PipelineOptions(flags))
    near = p | beam.Create(_batches(docs)) | NearDuplicates(PARAMS, partitions=partitions, **kwargs)
    _ = near[CLUSTERS] | beam.Map(lambda kv: pickle.dumps(kv[1]).hex()) | beam.io.WriteToText(str(tmp_path / "rows"))
    _ = (
        near[PER_CLUSTER]
        | "Clusters" >> beam.Map(lambda table: pickle.dumps(table).hex())
        | "WriteClusters" >> beam.io.WriteToText(str(tmp_path / "clusters"))
    )
    _ = (
        near[CONVERGENCE]
        | "Rounds" >> beam.Map(lambda row: pickle.dumps(row).hex())
        | "WriteRounds" >> beam.io.WriteToText(str(tmp_path / "rounds"))
    )
    result = p.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_name(UNCONVERGED))["counters"]  # one per star step
    tables = [pickle.loads(bytes.fromhex(x)) for f in tmp_path.glob("rows*") for x in f.read_text().split()]
    (rounds,) = [pickle.loads(bytes.fromhex(x)) for f in tmp_path.glob("rounds*") for x in f.read_text().split()]
    clusters = [pickle.loads(bytes.fromhex(x)) for f in tmp_path.glob("clusters*") for x in f.read_text().split()]
    clustered = pa.concat_tables(tables) if tables else CLUSTER_SCHEMA.empty_table()
    nodes = clustered.column("node").to_pylist()
    assert len(nodes) == len(set(nodes))  # a clustered document comes out once
    unconverged = sum(c.committed for c in counters) if counters else None
    return _rows(docs, clustered), unconverged, rounds, _cluster_rows(clusters)


def _cluster_rows(tables: list[pa.Table]) -> list[dict]:
    """``NEAR_DUP_CLUSTER_SCHEMA`` rows, sorted by cluster id."""
    rows = pa.concat_tables(tables).to_pylist() if tables else NEAR_DUP_CLUSTER_SCHEMA.empty_table().to_pylist()
    return sorted(rows, key=lambda r: r["near_dup_cluster"])


@pytest.fixture(scope="module")
def in_memory_run(planted, tmp_path_factory):
    return _run(planted[0], IN_MEMORY, tmp_path_factory.mktemp("in_memory"))


def test_planted_copies_chain_and_exact_duplicates_cluster_and_unrelated_texts_stay_alone(planted, in_memory_run):
    docs, clusters = planted
    rows, unconverged, rounds, _ = in_memory_run
    assert [r["id"] for r in rows] == sorted(d["id"] for d in docs)  # every document exactly once
    found = {}
    for row in rows:
        found.setdefault(row["near_dup_cluster"], set()).add(row["id"])
    assert sorted(map(sorted, found.values())) == sorted(map(sorted, clusters))
    assert not unconverged and rounds["converged"] and 1 < rounds["rounds_used"] < rounds["round_limit"] == 12


def test_cluster_columns(in_memory_run):
    rows = {r["id"]: r for r in in_memory_run[0]}
    assert rows["exact"]["near_dup_cluster"] == "copy00" and rows["orig00"]["near_dup_count"] == 3
    assert [rows[i]["is_canonical"] for i in ("copy00", "exact", "orig00")] == [False, False, True]  # only dated
    assert rows["copy01"]["is_canonical"] and not rows["orig01"]["is_canonical"]  # undated: smallest id
    assert rows["orig00"]["near_dup_domain_count"] == 3
    assert rows["other00"] == {
        "id": "other00",
        "near_dup_cluster": "other00",
        "near_dup_count": 1,
        "is_canonical": True,
        "near_dup_domain_count": 1,
        "near_dup_known_synthetic": False,
    }


def test_one_row_per_cluster_of_two_or_more(planted, in_memory_run):
    clusters = {row["near_dup_cluster"]: row for row in in_memory_run[3]}
    assert len(clusters) == 41 and {row["members"] for row in clusters.values()} == {2, 3}  # 40 pairs, a chain
    assert clusters["copy00"] == {
        "near_dup_cluster": "copy00",
        "members": 3,
        "canonical_id": "orig00",
        "domains": ["copy00.example.com", "exact.example.com", "orig00.example.com"],
        "known_synthetic": False,
    }


def test_distributed_result_equals_the_in_memory_clustering(planted, in_memory_run):
    docs = planted[0]
    rows, clusters = near_duplicates(fingerprints(docs, PARAMS), PARAMS, 0.5)
    assert in_memory_run[0] == _rows(docs, rows) and in_memory_run[3] == _cluster_rows([clusters])


def test_chain_ends_are_not_near_duplicates_of_each_other(planted):
    texts = {d["id"]: d["text"] for d in planted[0]}
    a, b, c = signatures([texts[f"chain_{x}"] for x in "abc"], PARAMS)
    assert estimated_jaccard(a, b) >= 0.5 and estimated_jaccard(b, c) >= 0.5 > estimated_jaccard(a, c)


def test_result_is_identical_with_two_worker_processes_and_other_partitions(planted, in_memory_run, tmp_path):
    rows, _, _, clusters = _run(planted[0], MULTI, tmp_path, partitions=3)
    assert (rows, clusters) == (in_memory_run[0], in_memory_run[3])


def test_too_few_rounds_for_a_long_chain_are_reported(tmp_path):
    texts = _chain_texts(24, random.Random(3))
    ids = [f"link{i:02d}" for i in range(len(texts))]
    random.Random(4).shuffle(ids)
    rows, unconverged, rounds, _ = _run(_docs(dict(zip(ids, texts))), IN_MEMORY, tmp_path, rounds=1)
    assert sorted(r["id"] for r in rows) == sorted(ids) and unconverged > 0
    assert rounds == {"round_limit": 1, "rounds_used": 1, "converged": False}


def test_every_bucket_linked_as_a_hot_one_gives_the_same_clusters(planted, in_memory_run, tmp_path):
    rows, _, _, clusters = _run(planted[0], IN_MEMORY, tmp_path, partitions=5, hot_bucket=1)
    assert (rows, clusters) == (in_memory_run[0], in_memory_run[3])


@pytest.mark.parametrize("flags", [IN_MEMORY, BUNDLES], ids=["fn_api", "bundle_based"])
def test_a_long_chain_converges_within_the_limit_and_clusters_whole(tmp_path, flags):
    texts = _chain_texts(40, random.Random(5))
    ids = [f"link{i:02d}" for i in range(len(texts))]
    random.Random(6).shuffle(ids)
    rows, unconverged, rounds, _ = _run(_docs(dict(zip(ids, texts))), flags, tmp_path, partitions=3)
    assert {r["near_dup_cluster"] for r in rows} == {min(ids)} and not unconverged
    assert rounds["converged"] and 2 < rounds["rounds_used"] < 12


def test_convergence_row_counts_rounds_up_to_the_first_without_changes():
    assert convergence_row([(0, 5), (1, 0), (1, 0), (0, 2)], 12) == {
        "round_limit": 12,
        "rounds_used": 2,
        "converged": True,
    }
    assert convergence_row([(0, 5)], 12)["rounds_used"] == 2  # round 1 had no data: nothing changed
    assert convergence_row([(0, 1), (1, 3)], 2) == {"round_limit": 2, "rounds_used": 2, "converged": False}


def test_exact_duplicates_without_words_and_verification_off():
    docs = _docs({"e1": "", "e2": " ", "solo": "one two three"})
    with TestPipeline() as p:
        near = p | beam.Create([fingerprints(docs, PARAMS)]) | NearDuplicates(PARAMS, threshold=0.0, partitions=2)
        rows = (
            near[CLUSTERS]
            | beam.FlatMap(lambda kv: kv[1].select(["near_dup_cluster", "near_dup_count", "is_canonical"]).to_pylist())
            | beam.Map(lambda r: (r["near_dup_cluster"], r["near_dup_count"], r["is_canonical"]))
        )
        assert_that(rows, equal_to([("e1", 2, True), ("e1", 2, False)]))
        clusters = near[PER_CLUSTER] | beam.FlatMap(lambda table: table.to_pylist())
        expected = {"near_dup_cluster": "e1", "members": 2, "canonical_id": "e1", "known_synthetic": False}
        expected["domains"] = ["e1.example.com", "e2.example.com"]
        assert_that(clusters, equal_to([expected]), label="OneClusterRow")


def test_known_synthetic_documents_mark_their_cluster_and_give_no_rows(planted):
    docs = {d["id"]: d for d in planted[0]}
    corpus = [docs["copy05"], docs["other01"]]
    known = fingerprints([docs["orig05"]], PARAMS, known_synthetic=True)
    batch = fingerprints(corpus, PARAMS)
    with TestPipeline() as p:
        near = p | beam.Create([batch, known]) | NearDuplicates(PARAMS, partitions=4)
        rows = near[CLUSTERS] | beam.FlatMap(
            lambda kv: [(kv[0], row) for row in kv[1].drop(["node", "batch"]).to_pylist()]
        )
        expected = {
            "near_dup_cluster": "copy05",
            "near_dup_count": 1,
            "is_canonical": True,
            "near_dup_domain_count": 1,
            "near_dup_known_synthetic": True,
        }
        assert_that(rows, equal_to([(batch.batch, expected)]))  # keyed by the batch the document came in
        assert_that(near[PER_CLUSTER], equal_to([]), label="NoClusterOfOne")
