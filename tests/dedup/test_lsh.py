"""LSH banding and verification, and the pure clustering steps built on them (``synthsieve.dedup.components``)."""

import random
from collections import defaultdict

import numpy as np
import pytest

from synthsieve.dedup.components import bucket_edges, cluster_rows, large_star, small_star
from synthsieve.dedup.lsh import band_keys, candidate_probability, estimated_jaccard, has_shingles, verified
from synthsieve.dedup.minhash import MAX_HASH, MinHashParams

PARAMS = MinHashParams(num_perm=8, bands=4, rows=2)


def test_band_keys_change_only_with_their_band_and_differ_across_bands():
    sig = np.array([[1, 2, 1, 2, 1, 2, 5, 6]], dtype=np.uint32)
    changed = sig.copy()
    changed[0, 7] = 7
    keys, keys_changed = band_keys(sig, PARAMS), band_keys(changed, PARAMS)
    assert keys.shape == (1, 4) and keys.dtype == np.uint64
    assert len(set(keys[0].tolist())) == 4  # bands 0-2 hold the same values, yet their keys differ
    assert (keys[0, :3] == keys_changed[0, :3]).all() and keys[0, 3] != keys_changed[0, 3]


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


def test_bucket_edges_star_from_smallest_id_and_reanchor_the_rejected():
    near, far = np.zeros(8, dtype=np.uint32), np.ones(8, dtype=np.uint32)
    members = [("d", far), ("b", near), ("a", near), ("c", far), ("e", far)]
    assert bucket_edges(members, 0.9) == [("a", "b"), ("c", "d"), ("c", "e")]
    assert bucket_edges(members, None) == [("a", "b"), ("a", "c"), ("a", "d"), ("a", "e")]
    assert bucket_edges(members[:1], 0.9) == []


def _components(edges, rounds):
    """The Beam rounds, run in memory: returns (node -> label, changes in the last round)."""
    for _ in range(rounds):
        changes = 0
        for step in (large_star, small_star):
            grouped = defaultdict(list)
            for a, b in edges:
                grouped[a].append(b)
                grouped[b].append(a)
            edges = []
            for node, nbrs in grouped.items():
                new, changed = step(node, nbrs)
                edges += new
                changes += changed
    labels = {}
    for a, b in edges:
        labels[a], labels[b] = min(labels.get(a, a), b), min(labels.get(b, b), a)
    return labels, changes


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
        edges = [(f"n{rng.randrange(300):03d}", f"n{rng.randrange(300):03d}") for _ in range(250)]
        edges = [(a, b) for a, b in edges if a != b]
        labels, changes = _components(edges, rounds=10)
        assert labels == _union_find(edges) and changes == 0


def test_ten_rounds_settle_a_chain_of_1000_ids_in_random_order_and_one_round_does_not():
    ids = [f"n{i:04d}" for i in range(1000)]
    random.Random(1).shuffle(ids)
    chain = list(zip(ids, ids[1:]))
    labels, changes = _components(chain, rounds=10)
    assert set(labels.values()) == {"n0000"} and changes == 0
    assert _components(chain, rounds=1)[1] > 0


def test_cluster_rows_pick_earliest_dated_then_smallest_id_as_canonical():
    members = [
        {"id": "b", "domain": "x.com", "crawl_date": "2020-01-01"},
        {"id": "a", "domain": None, "crawl_date": None},
        {"id": "c", "domain": "y.org", "crawl_date": "2020-01-01"},
        {"id": "d", "domain": "x.com", "crawl_date": "2021-06-01"},
    ]
    rows = {r["id"]: r for r in cluster_rows(members)}
    assert [rows[i]["is_canonical"] for i in "abcd"] == [False, True, False, False]
    assert {r["near_dup_cluster"] for r in rows.values()} == {"a"}
    assert rows["a"]["near_dup_count"] == 4 and rows["a"]["near_dup_domains"] == ["x.com", "y.org"]
    undated = cluster_rows(
        [{"id": "z", "domain": "", "crawl_date": None}, {"id": "y", "domain": "", "crawl_date": None}]
    )
    assert [r["is_canonical"] for r in undated] == [False, True]
