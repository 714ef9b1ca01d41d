"""Beam plumbing of near-duplicate clustering: LSH buckets -> verified edges -> connected components -> clusters.

Every step groups by a bucket, a node or a cluster; none sees the whole corpus. The pure logic lives in
``synthsieve.dedup``; results depend only on the input, never on bundling or worker count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics

from synthsieve.dedup.components import bucket_edges, cluster_rows, large_star, small_star
from synthsieve.dedup.lsh import band_keys, has_shingles
from synthsieve.dedup.minhash import MinHashParams

UNCONVERGED = "near_dup_unconverged"  # counter: edge changes in the last round; non-zero means raise ``rounds``
_EXACT = -1  # the "band" of exact-duplicate keys (content hashes)
DEFAULT_PARAMS = MinHashParams()


class NearDuplicates(beam.PTransform):
    """Documents in; one row per document out: ``id``, ``near_dup_cluster``, ``near_dup_count``, ``is_canonical``,
    ``near_dup_domains``.

    Input elements are dicts with ``id`` (str, unique), ``signature`` (uint32 MinHash values as a numpy array or
    their bytes), ``domain``, ``crawl_date`` (or None) and ``content_hash``.

    Args:
        params: MinHash/LSH settings the signatures were computed with.
        verify_threshold: minimum estimated Jaccard of a linked pair; None links every LSH candidate.
        rounds: connected-component rounds (two GroupByKeys each); 10 settle chains of 1,000 documents.
    """

    def __init__(self, params: MinHashParams = DEFAULT_PARAMS, verify_threshold: float | None = 0.5, rounds: int = 10):
        super().__init__()
        self.params = params
        self.verify_threshold = verify_threshold
        self.rounds = rounds

    def expand(self, docs):
        edges = (
            docs
            | "BatchForKeys" >> beam.BatchElements(min_batch_size=64, max_batch_size=1024)
            | "BucketKeys" >> beam.ParDo(BucketKeysFn(self.params))
            | "GroupBuckets" >> beam.GroupByKey()
            | "BucketEdges" >> beam.ParDo(BucketEdgesFn(self.verify_threshold))
        )
        for r in range(self.rounds):
            counter = UNCONVERGED if r == self.rounds - 1 else f"near_dup_changes_round{r}"
            edges = edges | f"LargeStar{r}" >> _StarStep(large_star, counter)
            edges = edges | f"SmallStar{r}" >> _StarStep(small_star, counter)
        labels = edges | "BothWays" >> beam.FlatMap(_both_ways) | "Label" >> beam.CombinePerKey(min)
        members = docs | "Members" >> beam.Map(lambda d: (d["id"], _member(d)))
        return (
            {"member": members, "label": labels}
            | "JoinLabels" >> beam.CoGroupByKey()
            | "KeyByCluster" >> beam.FlatMap(_key_by_cluster)
            | "GroupClusters" >> beam.GroupByKey()
            | "ClusterRows" >> beam.ParDo(ClusterRowsFn())
        )


class BucketKeysFn(beam.DoFn):
    """A batch of documents in; ``((band, bucket), (id, signature bytes))`` out, plus the exact-duplicate key."""

    def __init__(self, params: MinHashParams):
        self.params = params

    def process(self, batch: list[dict[str, Any]]):
        sigs = np.stack([_signature(d["signature"]) for d in batch])
        keys = band_keys(sigs, self.params).view(np.int64)  # signed: Beam's key coder is exact for int64
        for doc, sig, row, live in zip(batch, sigs, keys.tolist(), has_shingles(sigs)):
            value = (doc["id"], sig.tobytes())
            if live:
                yield from (((band, key), value) for band, key in enumerate(row))
            if doc.get("content_hash"):
                yield (_EXACT, doc["content_hash"]), value


class BucketEdgesFn(beam.DoFn):
    """One bucket in; its verified star edges out. Counts candidates that no verified edge reaches."""

    def __init__(self, threshold: float | None):
        self.threshold = threshold

    def setup(self):
        self.rejected = Metrics.counter("synthsieve", "near_dup_candidates_rejected")

    def process(self, bucket):
        members = {doc: _signature(sig) for doc, sig in bucket[1]}
        if len(members) < 2:
            return
        edges = bucket_edges(members.items(), self.threshold)
        self.rejected.inc(len(members) - 1 - len(edges))
        yield from edges


class ClusterRowsFn(beam.DoFn):
    """One cluster's members in; their output rows out. Counts the non-canonical members (the duplicates)."""

    def setup(self):
        self.duplicates = Metrics.counter("synthsieve", "near_dup_duplicates")

    def process(self, label_members):
        rows = cluster_rows(list(label_members[1]))
        self.duplicates.inc(len(rows) - 1)
        yield from rows


class _StarStep(beam.PTransform):
    """One large-star or small-star step: group edges by node, rewrite each node's edges, count changes."""

    def __init__(self, step: Callable, counter: str):
        super().__init__()
        self.step = step
        self.counter = counter

    def expand(self, edges):
        return (
            edges
            | "BothWays" >> beam.FlatMap(_both_ways)
            | "GroupNodes" >> beam.GroupByKey()
            | "Rewrite" >> beam.ParDo(StarFn(self.step, self.counter))
        )


class StarFn(beam.DoFn):
    """A node and its neighbours in; the step's new edges out; the step's changes go to a Metrics counter."""

    def __init__(self, step: Callable, counter: str):
        self.step = step
        self.counter_name = counter

    def setup(self):
        self.changes = Metrics.counter("synthsieve", self.counter_name)

    def process(self, node_neighbours):
        edges, changed = self.step(*node_neighbours)
        self.changes.inc(changed)
        yield from edges


def _signature(value) -> np.ndarray:
    return np.frombuffer(value, dtype=np.uint32) if isinstance(value, bytes) else np.asarray(value, dtype=np.uint32)


def _both_ways(edge: tuple[str, str]):
    yield edge
    yield edge[1], edge[0]


def _member(doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": doc["id"], "domain": doc.get("domain"), "crawl_date": doc.get("crawl_date")}


def _key_by_cluster(joined):
    """``(id, {member, label})`` in; ``(label, member)`` out (a document without edges labels itself)."""
    doc, grouped = joined
    labels = list(grouped["label"])
    for member in grouped["member"]:
        yield min([doc, *labels]), member
