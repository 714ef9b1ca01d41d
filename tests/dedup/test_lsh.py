"""LSH banding and verification, and the pure clustering steps built on them (``synthsieve.dedup.components``)."""

import random
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthsieve.dedup.clusters import cluster_table, components
from synthsieve.dedup.components import both_ways, large_star, small_star
from synthsieve.dedup.lsh import (
    band_keys,
    bucket_entries,
    candidate_edges,
    candidate_probability,
    estimated_jaccard,
    has_shingles,
    verification_hashes,
    verification_jaccard,
    verified,
)
from synthsieve.dedup.minhash import MAX_HASH, MinHashParams
from synthsieve.schemas.records import MEMBER_SCHEMA

PARAMS = MinHashParams(num_perm=8, bands=4, rows=2)


def test_band_keys_change_only_with_their_band_and_differ_across_bands():
    sig = np.array([[1, 2, 1, 2, 1, 2, 5, 6]], dtype=np.uint32)
    changed = sig.copy()
    changed[0, 7] = 7
    keys, keys_changed = band_keys(sig, PARAMS), band_keys(changed, PARAMS)
    assert keys.shape == (1, 4) and keys.dtype == np.uint64
    assert len(set(keys[0].tolist())) == 4  # bands 0-2 hold the same values, yet their keys differ
    assert (keys[0, :3] == keys_changed[0, :3]).all() and keys[0, 3] != keys_changed[0, 3]


def test_verification_hashes_are_the_low_8_bits_and_estimate_without_bias():
    sigs = np.array([[0x12345678, 0xFFFF0001, 0x00015678]], dtype=np.uint32)
    low = verification_hashes(sigs)
    assert low.dtype == np.uint8 and low.tolist() == [[0x78, 0x01, 0x78]]
    rng = np.random.default_rng(0)
    for jaccard in (0.3, 0.55, 0.9):
        a = rng.integers(0, 2**32, (4000, 128), dtype=np.uint32)
        b = np.where(rng.random(a.shape) < jaccard, a, rng.integers(0, 2**32, a.shape, dtype=np.uint32))
        full = estimated_jaccard(a, b)
        raw = estimated_jaccard(verification_hashes(a), verification_hashes(b))
        short = verification_jaccard(verification_hashes(a), verification_hashes(b))
        assert raw.mean() - full.mean() == pytest.approx((1 - jaccard) / 256, abs=0.001)  # chance collisions
        assert short.mean() == pytest.approx(full.mean(), abs=0.001)  # ... taken out
        assert np.abs(short - full).max() <= 6 / 128


def test_candidate_edges_of_no_entries_are_none():
    a, b = candidate_edges(np.zeros(0, np.uint64), np.zeros(0, np.uint64))
    assert a.dtype == b.dtype == np.uint64 and len(a) == len(b) == 0


def test_estimated_jaccard_verification_and_empty_signatures():
    anchor = np.arange(8, dtype=np.uint32)
    members = np.stack([anchor, np.where(np.arange(8) < 5, anchor, 99), np.full(8, 99)]).astype(np.uint32)
    assert estimated_jaccard(members, anchor).tolist() == [1.0, 5 / 8, 0.0]
    assert verified(anchor, members, 0.6).tolist() == [True, True, False]
    assert verified(anchor, members, None).tolist() == [True, True, True]
    assert has_shingles(np.stack([anchor, np.full(8, MAX_HASH)])).tolist() == [True, False]


def test_default_bands_make_half_candidates_near_jaccard_0_38():
    p = MinHashParams()
    assert candidate_probability(0.383, p.bands, p.rows) == pytest.approx(0.5, abs=0.01)
    assert candidate_probability(0.6, p.bands, p.rows) > 0.98
    assert candidate_probability(0.1, p.bands, p.rows) < 0.01


def test_candidate_edges_are_a_star_and_a_chain_per_bucket_each_pair_once():
    keys = np.array([5, 5, 5, 7, 7, 9, 5, 5], dtype=np.uint64)
    nodes = np.array([3, 1, 2, 4, 2, 8, 1, 6], dtype=np.uint64)
    a, b = candidate_edges(keys, nodes)
    assert list(zip(a.tolist(), b.tolist())) == [(1, 2), (1, 3), (1, 6), (2, 3), (2, 4), (3, 6)]
    assert len(candidate_edges(keys[:1], nodes[:1])[0]) == 0


def test_bucket_entries_give_every_band_of_live_documents_and_an_exact_key_for_all():
    sigs = np.stack([np.arange(8), np.full(8, MAX_HASH)]).astype(np.uint32)
    keys, nodes = bucket_entries(np.array([10, 20], dtype=np.uint64), sigs, np.array([7, 7], dtype=np.uint64), PARAMS)
    assert nodes.tolist() == [10] * 4 + [10, 20] and keys[4] == keys[5] and len(set(keys[:5].tolist())) == 5


def _components(edges, rounds):
    """The Beam rounds, run in memory on integer node keys: returns (node -> label, changes in the last round)."""
    edges = (np.array([a for a, _ in edges], dtype=np.uint64), np.array([b for _, b in edges], dtype=np.uint64))
    for _ in range(rounds):
        edges, large = large_star(*both_ways(edges))
        edges, small = small_star(*both_ways(edges))
    src, dst = both_ways(edges)
    labels = {}
    for a, b in zip(src.tolist(), dst.tolist()):
        labels[a] = min(labels.get(a, a), b)
    return labels, large + small


def _union_find(edges):
    parent = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = root(a), root(b)
        parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in parent}


def test_star_rounds_find_connected_components_of_random_graphs():
    rng = random.Random(0)
    for _ in range(10):
        edges = [(rng.randrange(300), rng.randrange(300)) for _ in range(250)]
        edges = [(a, b) for a, b in edges if a != b]
        labels, changes = _components(edges, rounds=10)
        assert labels == _union_find(edges) and changes == 0


def test_ten_rounds_settle_a_chain_of_1000_ids_in_random_order_and_one_round_does_not():
    ids = list(range(1000))
    random.Random(1).shuffle(ids)
    chain = list(zip(ids, ids[1:]))
    labels, changes = _components(chain, rounds=10)
    assert set(labels.values()) == {0} and len(labels) == 1000 and changes == 0
    assert _components(chain, rounds=1)[1] > 0
    node, label = components(tuple(np.array(c, dtype=np.uint64) for c in zip(*chain)))
    assert sorted(node.tolist()) == sorted(ids) and set(label.tolist()) == {0}


def _members(rows: list[tuple]) -> pa.Table:
    """``MEMBER_SCHEMA`` rows of ``(node, id, domain, crawl date as YYYYMMDD or None, known_synthetic)``; a node's
    batch is ``node // 4``."""
    dated = [(n, n // 4, i, dom, None if d is None else datetime.strptime(str(d), "%Y%m%d").replace(tzinfo=UTC), k)
             for n, i, dom, d, k in rows]  # fmt: skip
    return pa.Table.from_pylist([dict(zip(MEMBER_SCHEMA.names, row)) for row in dated], schema=MEMBER_SCHEMA)


def test_cluster_table_picks_earliest_dated_then_smallest_id_and_skips_known_synthetic_members():
    members = _members([(1, "b", "x.com", 20200101, False), (2, "a", None, None, False),
                        (3, "c", "y.org", 20200101, False), (4, "d", "x.com", 20210601, False),
                        (5, "z", "", None, False), (6, "y", "", None, False), (7, "w", "", None, False),
                        (8, "ref", "r.com", 20000101, True)])  # fmt: skip
    table, clusters = cluster_table(members, np.array([1, 1, 1, 1, 5, 5, 7, 7], dtype=np.uint64))
    rows = {r["id"]: r for r in _with_ids(table, members)}
    assert [rows[i]["is_canonical"] for i in "abcd"] == [False, True, False, False]  # b and c tie on date
    assert {rows[i]["near_dup_cluster"] for i in "abcd"} == {"a"}
    assert rows["a"]["near_dup_count"] == 4 and rows["a"]["near_dup_domain_count"] == 2
    assert [rows[i]["is_canonical"] for i in "zy"] == [False, True]  # undated: smallest id
    assert rows["w"]["near_dup_known_synthetic"] and rows["w"]["near_dup_count"] == 1 and "ref" not in rows
    assert rows["w"]["near_dup_domain_count"] == 0  # an empty domain is none
    assert [rows[i]["batch"] for i in "abcd"] == [0, 0, 0, 1]  # each row goes back to its document's batch
    assert clusters.to_pylist() == [  # clusters of two or more corpus documents only: not w's
        {"near_dup_cluster": "a", "members": 4, "canonical_id": "b", "domains": ["x.com", "y.org"],
         "known_synthetic": False},
        {"near_dup_cluster": "y", "members": 2, "canonical_id": "y", "domains": [], "known_synthetic": False},
    ]  # fmt: skip


def _with_ids(table, members):
    ids = dict(zip(members.column("node").to_pylist(), members.column("id").to_pylist()))
    return [{**row, "id": ids[row["node"]]} for row in table.to_pylist()]


def _reference_clusters(members: list[dict], labels: list[int]) -> tuple[list[dict], list[dict]]:
    """``cluster_table`` one member at a time, with dictionaries: document rows and cluster rows."""
    clusters: dict[int, list[dict]] = {}
    for member, label in zip(members, labels):
        clusters.setdefault(label, []).append(member)
    rows, summaries = [], []
    for label in sorted(clusters):
        corpus = [m for m in clusters[label] if not m["known_synthetic"]]
        if not corpus:
            continue
        known = len(corpus) < len(clusters[label])
        canonical = min(corpus, key=lambda m: (m["crawl_date"] is None, m["crawl_date"] or 0, m["id"], m["node"]))
        cluster, domains = min(m["id"] for m in corpus), sorted({m["domain"] for m in corpus if m["domain"]})
        rows += [{"node": m["node"], "batch": m["batch"], "near_dup_cluster": cluster, "near_dup_count": len(corpus),
                  "is_canonical": m is canonical, "near_dup_domain_count": len(domains),
                  "near_dup_known_synthetic": known} for m in corpus]  # fmt: skip
        if len(corpus) > 1:
            summaries.append({"near_dup_cluster": cluster, "members": len(corpus), "canonical_id": canonical["id"],
                              "domains": domains, "known_synthetic": known})  # fmt: skip
    return rows, summaries


MEMBERS = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "ab", "é", "z"]),  # ids repeat: the node key breaks ties
        st.sampled_from([None, "", "x.com", "y.org", "é.fr"]),
        st.sampled_from([None, 20200101, 20200102, 20210601]),
        st.booleans(),
        st.integers(0, 6),  # the cluster label
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(MEMBERS, st.randoms(use_true_random=False))
def test_cluster_table_equals_a_dictionary_reference(drawn, rng):
    nodes = rng.sample(range(1, 2**63), len(drawn))
    members = _members([(n, i, dom, d, k) for n, (i, dom, d, k, _) in zip(nodes, drawn)])
    labels = [label for *_, label in drawn]
    rows, clusters = cluster_table(members, np.array(labels, dtype=np.uint64))
    expected_rows, expected_clusters = _reference_clusters(members.to_pylist(), labels)
    assert sorted(rows.to_pylist(), key=lambda r: r["node"]) == sorted(expected_rows, key=lambda r: r["node"])
    assert clusters.to_pylist() == expected_clusters  # in label order, as the reference
