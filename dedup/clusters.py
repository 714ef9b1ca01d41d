"""Clusters from component labels, their near-duplicate columns, and the whole clustering of one in-memory batch.

``cluster_table`` is what the distributed transform (``pipeline.near_dup``) computes per group of clusters;
``near_duplicates`` runs the same steps on one batch without Beam (the ``score`` command and the tests' oracle).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from synthsieve.dedup.components import both_ways, labels, large_star, small_star
from synthsieve.dedup.fingerprints import Fingerprints
from synthsieve.dedup.lsh import bucket_entries, candidate_edges, verification_hashes, verified
from synthsieve.dedup.minhash import MinHashParams
from synthsieve.dedup.partition import index_of
from synthsieve.schemas.records import CLUSTER_SCHEMA, NEAR_DUP_CLUSTER_SCHEMA


def cluster_table(members: pa.Table, labels_: np.ndarray) -> tuple[pa.Table, pa.Table]:
    """Near-duplicate columns of the corpus documents of whole clusters (known-synthetic documents give no rows),
    and the clusters of two or more of them, one row each.

    Per cluster, over its corpus documents: the id is the smallest ``id``, the count their number, the canonical
    one has the earliest ``crawl_date`` (missing dates last), then the smallest id, then node key; domains are the
    distinct non-empty ones, sorted. A known-synthetic member marks its cluster ``known_synthetic``.

    Args:
        members: ``MEMBER_SCHEMA`` rows, every member of each cluster they touch.
        labels_: the cluster label (component key) of each member.

    Returns:
        ``CLUSTER_SCHEMA`` rows (a document's columns) and ``NEAR_DUP_CLUSTER_SCHEMA`` rows (a cluster's).
    """
    labels_ = np.asarray(labels_, dtype=np.uint64)
    known = members.column("known_synthetic").to_numpy()
    corpus = members.filter(pa.array(~known)).append_column("label", pa.array(labels_[~known], pa.uint64()))
    canonical_first = [("label", "ascending"), ("crawl_date", "ascending"), ("id", "ascending"), ("node", "ascending")]
    ranked = corpus.sort_by(canonical_first)  # missing dates sort last (Arrow's default null placement)
    label = ranked.column("label").to_numpy()
    starts = np.flatnonzero(np.r_[len(label) > 0, label[1:] != label[:-1]])  # each cluster's canonical row
    sizes = np.diff(np.r_[starts, len(label)])
    of_row = np.repeat(np.arange(len(starts)), sizes)
    smallest_id = corpus.sort_by([("label", "ascending"), ("id", "ascending")]).column("id").take(starts)
    domains = _distinct_domains(corpus, label[starts])
    domain_count = np.diff(domains.offsets.to_numpy()).astype(np.int32)
    with_known = np.isin(label[starts], labels_[known])
    canonical = np.zeros(len(label), dtype=bool)
    canonical[starts] = True
    rows = {
        "node": ranked.column("node"),
        "batch": ranked.column("batch"),
        "near_dup_cluster": smallest_id.take(of_row),
        "near_dup_count": sizes[of_row].astype(np.int32),
        "is_canonical": canonical,
        "near_dup_domain_count": domain_count[of_row],
        "near_dup_known_synthetic": with_known[of_row],
    }
    grouped = sizes > 1
    clusters = {
        "near_dup_cluster": smallest_id.filter(grouped),
        "members": sizes[grouped].astype(np.int32),
        "canonical_id": ranked.column("id").take(starts[grouped]),
        "domains": domains.filter(grouped),
        "known_synthetic": with_known[grouped],
    }
    return pa.table(rows, schema=CLUSTER_SCHEMA), pa.table(clusters, schema=NEAR_DUP_CLUSTER_SCHEMA)


def _distinct_domains(corpus: pa.Table, cluster_labels: np.ndarray) -> pa.ListArray:
    """The sorted distinct non-empty domains of each cluster of ``corpus`` (labelled rows), one list per label of
    the sorted ``cluster_labels``."""
    named = pc.fill_null(pc.not_equal(corpus.column("domain"), ""), False)
    pairs = corpus.filter(named).group_by(["label", "domain"]).aggregate([])
    pairs = pairs.sort_by([("label", "ascending"), ("domain", "ascending")])
    per_cluster = np.bincount(
        np.searchsorted(cluster_labels, pairs.column("label").to_numpy()), minlength=len(cluster_labels)
    )
    offsets = pa.array(np.r_[0, np.cumsum(per_cluster)], pa.int32())
    return pa.ListArray.from_arrays(offsets, pairs.column("domain").combine_chunks())


def verify(sorted_nodes: np.ndarray, sigs: np.ndarray, a: np.ndarray, b: np.ndarray, threshold: float) -> np.ndarray:
    """Which candidate pairs have an estimated Jaccard of at least ``threshold`` (``sigs`` aligned with the sorted
    ``sorted_nodes``, which must hold both ends of every pair), compared on their ``verification_hashes``."""
    sigs = verification_hashes(sigs)
    return verified(sigs[index_of(sorted_nodes, a)], sigs[index_of(sorted_nodes, b)], threshold)


def components(edges: tuple[np.ndarray, np.ndarray], max_rounds: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """``(node, label)`` of every node with an edge, star rounds repeated until nothing changes."""
    for _ in range(max_rounds):
        edges, large = large_star(*both_ways(edges))
        edges, small = small_star(*both_ways(edges))
        if large == small == 0:
            break
    return labels(*both_ways(edges))


def near_duplicates(fp: Fingerprints, params: MinHashParams, threshold: float) -> tuple[pa.Table, pa.Table]:
    """``cluster_table`` of one in-memory batch: buckets, verified candidate pairs, components, clusters."""
    nodes = fp.nodes
    a, b = candidate_edges(*bucket_entries(nodes, fp.signatures, fp.exact, params))
    order = np.argsort(nodes)
    keep = verify(nodes[order], fp.signatures[order], a, b, threshold)
    node, label = components((b[keep], a[keep]))
    idx = index_of(nodes[order], node)
    return cluster_table(fp.members.take(pa.array(order[idx])), label)


def near_dup_columns(nodes: np.ndarray, ids: list[str], domains: pa.ChunkedArray, clustered: pa.Table) -> dict:
    """Near-duplicate column arrays for a batch (``domains``: its string column): a document's row of
    ``clustered``, else a cluster of its own."""
    n = len(ids)
    out = {
        "near_dup_cluster": np.array(ids, dtype=object),
        "near_dup_count": np.ones(n, dtype=np.int32),
        "is_canonical": np.ones(n, dtype=bool),
        "near_dup_domain_count": pc.fill_null(pc.not_equal(domains, ""), False).to_numpy().astype(np.int32),
        "near_dup_known_synthetic": np.zeros(n, dtype=bool),
    }
    if clustered.num_rows:
        order = np.argsort(clustered.column("node").to_numpy())
        keys = clustered.column("node").to_numpy()[order]
        hit = np.flatnonzero(np.isin(nodes, keys))
        rows = clustered.take(pa.array(order[index_of(keys, nodes[hit])]))
        for name, values in out.items():
            values[hit] = rows.column(name).to_numpy(zero_copy_only=False)
    return {
        name: pa.array(values.tolist() if values.dtype == object else values, CLUSTER_SCHEMA.field(name).type)
        for name, values in out.items()
    }
