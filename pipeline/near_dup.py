"""Beam plumbing of near-duplicate clustering: LSH buckets -> verified pairs -> connected components -> clusters.

Every step groups by a hash partition of bucket keys, nodes or cluster labels and handles its group as numpy
blocks (``synthsieve.dedup``); none sees the whole corpus, and the runner shuffles a few large blocks per batch and
partition rather than one element per document or bucket. Results depend only on the input, never on bundling,
partition count or worker count.

Verification joins signatures to pairs without a CoGroupByKey: signature blocks travel tagged in the same grouping
steps as the bucket entries and pairs (bucket partition ``p`` and node partition ``p`` share a key), because a local
runner materialises every Flatten of two inputs, the signatures and pairs with it, one more time.
"""

from __future__ import annotations

from collections.abc import Callable

import apache_beam as beam
import numpy as np
import pyarrow as pa
from apache_beam.metrics import Metrics

from synthsieve.dedup.clusters import cluster_table
from synthsieve.dedup.components import both_ways, labels, large_star, small_star
from synthsieve.dedup.fingerprints import Fingerprints
from synthsieve.dedup.lsh import (
    bucket_entries,
    candidate_edges,
    unique_pairs,
    verification_hashes,
    verified,
)
from synthsieve.dedup.minhash import MinHashParams
from synthsieve.dedup.partition import by_key, concat, index_of, split

UNCONVERGED = "near_dup_unconverged"  # counter: changes in the last round; non-zero means raise ``rounds``
# Tags of the blocks that share a grouping step: (tag, *columns).
BUCKETS = "buckets"  # (bucket keys, nodes)
SIGNATURES = "signatures"  # (nodes, verification hashes)
PAIRS = "pairs"  # (first node, second node[, the second node's verification hashes])


class NearDuplicates(beam.PTransform):
    """``Fingerprints`` batches in (corpus and known-synthetic documents); ``(batch, CLUSTER_SCHEMA table)`` out: the
    near-duplicate columns of every corpus document in a cluster, keyed by the batch it came in (``batch``), ready
    to join with the staged batches.

    Args:
        params: MinHash/LSH settings the signatures were computed with.
        threshold: minimum estimated Jaccard of a linked pair; 0 links every LSH candidate.
        rounds: connected-component rounds (two GroupByKeys each); 10 settle chains of 1,000 documents.
        partitions: hash partitions of every grouping step.
    """

    def __init__(self, params: MinHashParams, threshold: float = 0.5, rounds: int = 10, partitions: int = 32):
        super().__init__()
        self.params, self.threshold, self.rounds, self.partitions = params, threshold, rounds, partitions

    def expand(self, fps):
        parts, verify = self.partitions, self.threshold > 0
        candidates = (
            fps
            | "BucketEntries" >> beam.FlatMap(_bucket_entries, self.params, parts, verify)
            | "GroupBuckets" >> beam.GroupByKey()
            | "Candidates" >> beam.FlatMap(_candidates, parts)
        )
        if verify:  # the second node's signature is attached in its partition, then the first's compared in its own
            edges = (
                candidates
                | "GroupSecond" >> beam.GroupByKey()
                | "AttachSecond" >> beam.FlatMap(_attach_second, parts)
                | "GroupFirst" >> beam.GroupByKey()
                | "Verify" >> beam.ParDo(VerifyFn(self.threshold))
            )
        else:
            edges = candidates | "Trust" >> beam.Map(_trusted)
        for r in range(self.rounds):
            counter = UNCONVERGED if r == self.rounds - 1 else f"near_dup_changes_round{r}"
            edges = edges | f"LargeStar{r}" >> _StarStep(large_star, counter, parts)
            edges = edges | f"SmallStar{r}" >> _StarStep(small_star, counter, parts)
        node_labels = (
            edges
            | "LabelEdges" >> beam.FlatMap(_edges_by_node, parts)
            | "GroupLabels" >> beam.GroupByKey()
            | "Labels" >> beam.FlatMap(_labels, parts)
        )
        members = fps | "Members" >> beam.FlatMap(_members, parts)
        return (
            {"members": members, "labels": node_labels}
            | "JoinMembers" >> beam.CoGroupByKey()
            | "LabelMembers" >> beam.FlatMap(_label_members, parts)
            | "GroupClusters" >> beam.GroupByKey()
            | "Clusters" >> beam.ParDo(ClustersFn())
        )


class VerifyFn(beam.DoFn):
    """A partition's signatures and the pairs whose first node lies there in; verified edges out."""

    def __init__(self, threshold: float):
        self.threshold = threshold

    def setup(self):
        self.rejected = Metrics.counter("synthsieve", "near_dup_candidates_rejected")

    def process(self, group):
        nodes, sigs = _signature_block(group[1])
        a, b, sig_b = _blocks(group[1], PAIRS, 3)
        if not len(a):
            return
        keep = verified(sigs[index_of(nodes, a)], sig_b, self.threshold)
        self.rejected.inc(int((~keep).sum()))
        yield b[keep], a[keep]


class ClustersFn(beam.DoFn):
    """Whole clusters (members with their labels) in; their rows out, keyed by each member's batch."""

    def setup(self):
        self.duplicates = Metrics.counter("synthsieve", "near_dup_duplicates")

    def process(self, group):
        members, labels_ = concat(group[1], 2)
        table = cluster_table(members.to_pylist(), labels_.tolist())
        self.duplicates.inc(int((~table.column("is_canonical").to_numpy(zero_copy_only=False)).sum()))
        yield from by_key(table.column("batch").to_numpy(), table)


class _StarStep(beam.PTransform):
    """One large-star or small-star step: group edges by node partition, rewrite, count changes."""

    def __init__(self, step: Callable, counter: str, partitions: int):
        super().__init__()
        self.step, self.counter, self.partitions = step, counter, partitions

    def expand(self, edges):
        return (
            edges
            | "ByNode" >> beam.FlatMap(_edges_by_node, self.partitions)
            | "GroupNodes" >> beam.GroupByKey()
            | "Rewrite" >> beam.ParDo(StarFn(self.step, self.counter))
        )


class StarFn(beam.DoFn):
    """A partition's edges (both directions) in; the step's new edges out, its changes to a Metrics counter."""

    def __init__(self, step: Callable, counter: str):
        self.step, self.counter_name = step, counter

    def setup(self):
        self.changes = Metrics.counter("synthsieve", self.counter_name)

    def process(self, group):
        edges, changed = self.step(*concat(group[1], 2))
        self.changes.inc(changed)
        if len(edges[0]):
            yield edges


def _bucket_entries(fp: Fingerprints, params: MinHashParams, parts: int, with_signatures: bool):
    """A batch's bucket entries by bucket partition, and (to be verified against) its signatures by node partition."""
    keys, nodes = bucket_entries(fp.nodes, fp.signatures, fp.exact, params)
    yield from ((p, (BUCKETS, *block)) for p, block in split(keys, parts, keys, nodes))
    if with_signatures:
        hashes = verification_hashes(fp.signatures)
        yield from ((p, (SIGNATURES, *block)) for p, block in split(fp.nodes, parts, fp.nodes, hashes))


def _candidates(group, parts: int):
    """A partition of bucket entries in; candidate pairs out, keyed by the partition of their second node, and the
    partition's signature blocks passed on."""
    a, b = candidate_edges(*_blocks(group[1], BUCKETS, 2))
    yield from ((p, (PAIRS, *block)) for p, block in split(b, parts, a, b))
    yield from _passed(group, SIGNATURES)


def _members(fp: Fingerprints, parts: int):
    return ((p, table) for p, (table,) in split(fp.nodes, parts, fp.members))


def _trusted(pairs: tuple) -> tuple:
    _, a, b = pairs[1]
    return b, a


def _attach_second(group, parts: int):
    """Pairs whose second node lies in this partition get its signature, each pair once (bucket partitions give
    the same pair several times); out keyed by the first node's partition, with the signature blocks passed on."""
    nodes, sigs = _signature_block(group[1])
    a, b = unique_pairs(*_blocks(group[1], PAIRS, 2))
    if len(a):
        yield from ((p, (PAIRS, *block)) for p, block in split(a, parts, a, b, sigs[index_of(nodes, b)]))
    yield from _passed(group, SIGNATURES)


def _blocks(tagged, tag: str, width: int) -> tuple:
    """The columns of the blocks tagged ``tag``, joined."""
    return concat([block[1:] for block in tagged if block[0] == tag], width)


def _passed(group, tag: str):
    """The group's blocks tagged ``tag``, under the same key."""
    return ((group[0], block) for block in group[1] if block[0] == tag)


def _signature_block(tagged) -> tuple[np.ndarray, np.ndarray]:
    nodes, sigs = _blocks(tagged, SIGNATURES, 2)
    order = np.argsort(nodes)
    return nodes[order], sigs[order]


def _edges_by_node(edges: tuple, parts: int):
    src, dst = both_ways(edges)
    return split(src, parts, src, dst)


def _labels(group, parts: int):
    node, label = labels(*concat(group[1], 2))
    return split(node, parts, node, label)


def _label_members(joined, parts: int):
    """A partition's members and node labels in; labelled members out, keyed by the partition of their label."""
    node, label = concat(joined[1]["labels"], 2)
    if not len(node) or not joined[1]["members"]:
        return
    members = pa.concat_tables(joined[1]["members"])
    order = np.argsort(node)
    mine = members.filter(pa.array(np.isin(members.column("node").to_numpy(), node)))
    label_of = label[order][index_of(node[order], mine.column("node").to_numpy())]
    yield from split(label_of, parts, mine, label_of)
