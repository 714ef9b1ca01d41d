import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from synthsieve.dedup.lsh import bucket_sizes, hot_bucket_edges

ENTRIES = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 40)), max_size=120, unique=True)


def _blocks(entries: list[tuple[int, int]], cuts: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    keys = np.array([k for k, _ in entries], dtype=np.uint64)
    nodes = np.array([n for _, n in entries], dtype=np.uint64)
    bounds = [0, *sorted(c % (len(entries) + 1) for c in cuts), len(entries)]
    return [(keys[lo:hi], nodes[lo:hi]) for lo, hi in zip(bounds[:-1], bounds[1:])]


@settings(max_examples=80, deadline=None)
@given(ENTRIES, st.lists(st.integers(0, 200), max_size=6))
def test_bucket_sizes_count_members_and_find_the_smallest_node_however_the_blocks_are_cut(entries, cuts):
    keys, sizes, smallest = bucket_sizes(_blocks(entries, cuts))
    members: dict[int, list[int]] = {}
    for key, node in entries:
        members.setdefault(key, []).append(node)
    assert keys.tolist() == sorted(members)
    assert sizes.tolist() == [len(members[k]) for k in sorted(members)]
    assert smallest.tolist() == [min(members[k]) for k in sorted(members)]


@settings(max_examples=80, deadline=None)
@given(ENTRIES, st.lists(st.integers(0, 200), max_size=6))
def test_hot_bucket_edges_link_every_member_to_its_bucket_smallest_node_block_by_block(entries, cuts):
    keys, _, smallest = bucket_sizes(_blocks(entries, cuts))
    pairs = set()
    for k, n in _blocks(entries, cuts):
        a, b = hot_bucket_edges(k, n, smallest[np.searchsorted(keys, k)])
        assert (a < b).all()
        pairs |= set(zip(a.tolist(), b.tolist()))
    for key, low in zip(keys.tolist(), smallest.tolist()):
        members = {n for k, n in entries if k == key}
        assert all((low, n) in pairs for n in members - {low})  # the star: one step from the smallest node
    assert all(any(a in m and b in m for m in _buckets(entries)) for a, b in pairs)  # no pair outside a bucket


def _buckets(entries: list[tuple[int, int]]) -> list[set[int]]:
    members: dict[int, set[int]] = {}
    for key, node in entries:
        members.setdefault(key, set()).add(node)
    return list(members.values())


def test_hot_bucket_edges_chain_the_block_in_node_order():
    keys = np.array([7, 7, 7, 9, 9], dtype=np.uint64)
    nodes = np.array([30, 10, 20, 5, 6], dtype=np.uint64)
    a, b = hot_bucket_edges(keys, nodes, np.array([1, 1, 1, 5, 5], dtype=np.uint64))
    assert list(zip(a.tolist(), b.tolist())) == [(1, 10), (1, 20), (1, 30), (5, 6), (10, 20), (20, 30)]


def test_bucket_sizes_merge_as_they_read_many_rows():
    rng = np.random.default_rng(3)
    keys, nodes = rng.integers(0, 500, 150_000).astype(np.uint64), rng.permutation(150_000).astype(np.uint64)
    got = bucket_sizes([(keys[i : i + 40_000], nodes[i : i + 40_000]) for i in range(0, 150_000, 40_000)])
    assert got[0].tolist() == np.unique(keys).tolist() and got[1].sum() == 150_000
    assert got[1].tolist() == np.bincount(keys.astype(np.int64)).tolist()
    assert got[2][7] == nodes[keys == 7].min()
