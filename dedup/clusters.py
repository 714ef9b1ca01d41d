"""Clusters from component labels, their near-duplicate columns, and the whole clustering of one in-memory batch.

``cluster_table`` is what the distributed transform (``pipeline.near_dup``) computes per group of clusters;
``near_duplicates`` runs the same steps on one batch without Beam (the ``score`` command and the tests' oracle).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow as pa

from synthsieve.dedup.components import both_ways, labels, large_star, small_star
from synthsieve.dedup.fingerprints import Fingerprints
from synthsieve.dedup.lsh import bucket_entries, candidate_edges, verification_hashes, verified
from synthsieve.dedup.minhash import MinHashParams
from synthsieve.dedup.partition import index_of
from synthsieve.schemas.records import CLUSTER_SCHEMA


def cluster_table(members: list[dict], labels_: list[int]) -> pa.Table:
    """Near-duplicate columns of the corpus documents of whole clusters (known-synthetic documents give no rows).

    Per cluster, over its corpus documents: the id is the smallest ``id``, the count their number, the canonical
    one has the earliest ``crawl_date`` (missing dates last), then the smallest id, then node key; domains are the
    distinct non-empty ones, sorted. ``near_dup_known_synthetic`` says the cluster holds a known-synthetic document.

    Args:
        members: ``MEMBER_SCHEMA`` rows as dicts, every member of each cluster they touch.
        labels_: the cluster label (component key) of each member.
    """
    clusters: dict[int, list[dict]] = defaultdict(list)
    for member, label in zip(members, labels_):
        clusters[label].append(member)
    rows = []
    for label in sorted(clusters):
        corpus = [m for m in clusters[label] if not m["known_synthetic"]]
        if not corpus:
            continue
        known = len(corpus) < len(clusters[label])
        canonical = min(corpus, key=lambda m: (m["crawl_date"] is None, m["crawl_date"] or 0, m["id"], m["node"]))
        cluster, domains = min(m["id"] for m in corpus), sorted({m["domain"] for m in corpus if m["domain"]})
        rows += [
            {
                "node": m["node"],
                "batch": m["batch"],
                "near_dup_cluster": cluster,
                "near_dup_count": len(corpus),
                "is_canonical": m is canonical,
                "near_dup_domains": domains,
                "near_dup_known_synthetic": known,
            }
            for m in corpus
        ]
    return pa.Table.from_pylist(rows, schema=CLUSTER_SCHEMA)


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


def near_duplicates(fp: Fingerprints, params: MinHashParams, threshold: float) -> pa.Table:
    """``cluster_table`` of one in-memory batch: buckets, verified candidate pairs, components, clusters."""
    nodes = fp.nodes
    a, b = candidate_edges(*bucket_entries(nodes, fp.signatures, fp.exact, params))
    order = np.argsort(nodes)
    keep = verify(nodes[order], fp.signatures[order], a, b, threshold)
    node, label = components((b[keep], a[keep]))
    idx = index_of(nodes[order], node)
    return cluster_table(fp.members.take(pa.array(order[idx])).to_pylist(), label.tolist())


def near_dup_columns(nodes: np.ndarray, ids: list[str], domains: list[str | None], clustered: pa.Table) -> dict:
    """Near-duplicate column arrays for a batch: a document's row of ``clustered``, else a cluster of its own."""
    n = len(ids)
    out = {
        "near_dup_cluster": np.array(ids, dtype=object),
        "near_dup_count": np.ones(n, dtype=np.int32),
        "is_canonical": np.ones(n, dtype=bool),
        "near_dup_domains": np.array([[d] if d else [] for d in domains] + [None], dtype=object)[:n],
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
