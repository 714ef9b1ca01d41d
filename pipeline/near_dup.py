"""Beam plumbing of near-duplicate clustering: LSH buckets -> verified pairs -> connected components -> clusters.

Every step groups by a hash partition of bucket keys, nodes or cluster labels and handles its group as numpy
blocks (``synthsieve.dedup``); none sees the whole corpus, and the runner shuffles a few large blocks per batch and
partition rather than one element per document or bucket. Results depend only on the input, never on bundling,
partition count or worker count.

A hot bucket (one text copied millions of times) is never one list: the candidate step reads its group twice,
bucket sizes first, and links a bucket of more than ``hot_bucket`` members block by block to its smallest node; the
verification step reads pairs block by block against the partition's signatures. The star rounds repeat until one
changes nothing (checked every ``GATE_EVERY`` rounds; later rounds then get no edges) or up to the round limit: the
``CONVERGENCE`` output says which.

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
    bucket_sizes,
    candidate_edges,
    hot_bucket_edges,
    unique_pairs,
    verification_hashes,
    verified,
)
from synthsieve.dedup.minhash import MinHashParams
from synthsieve.dedup.partition import by_key, concat, index_of, split

UNCONVERGED = "near_dup_unconverged"  # counter: changes in the last round; non-zero means raise ``rounds``
CLUSTERS, PER_CLUSTER, CONVERGENCE = "clusters", "per_cluster", "convergence"  # the transform's outputs
CHANGES, SETTLED = "changes", "settled"  # a star step's change counts; edges of a round that had nothing to change
HOT_BUCKET = 10_000  # members above which a bucket is linked to its smallest node block by block
CHUNK_ROWS = 1 << 20  # rows gathered into one element when a step's output comes block by block
GATE_EVERY = 2  # rounds between convergence checks: each check is a side input, a stage of its own
# Tags of the blocks that share a grouping step: (tag, *columns).
BUCKETS = "buckets"  # (bucket keys, nodes)
SIGNATURES = "signatures"  # (nodes, verification hashes)
PAIRS = "pairs"  # (first node, second node[, the second node's verification hashes])


class NearDuplicates(beam.PTransform):
    """``Fingerprints`` batches in (corpus and known-synthetic documents). Out, ``CLUSTERS``: ``(batch,
    CLUSTER_SCHEMA table)``, the near-duplicate columns of every corpus document in a cluster, keyed by the batch it
    came in (``batch``), ready to join with the staged batches; ``PER_CLUSTER``: ``NEAR_DUP_CLUSTER_SCHEMA`` tables,
    one row per cluster of two or more corpus documents; ``CONVERGENCE``: one ``CONVERGENCE_SCHEMA`` row.

    Args:
        params: MinHash/LSH settings the signatures were computed with.
        threshold: minimum estimated Jaccard of a linked pair; 0 links every LSH candidate.
        rounds: the most connected-component rounds (two GroupByKeys each); 12 settle chains of 10,000 documents.
        partitions: hash partitions (shuffle keys) of every grouping step.
        hot_bucket: members above which a bucket is linked to its smallest node without a list of its members.
    """

    def __init__(
        self,
        params: MinHashParams,
        threshold: float = 0.5,
        rounds: int = 12,
        partitions: int = 32,
        hot_bucket: int = HOT_BUCKET,
    ):
        super().__init__()
        if rounds < 1:
            raise ValueError(f"rounds must be positive, not {rounds}")
        self.params, self.threshold, self.rounds, self.partitions = params, threshold, rounds, partitions
        self.hot_bucket = hot_bucket

    def expand(self, fps):
        parts, verify = self.partitions, self.threshold > 0
        candidates = (
            fps
            | "BucketEntries" >> beam.FlatMap(_bucket_entries, self.params, parts, verify)
            | "GroupBuckets" >> beam.GroupByKey()
            | "Candidates" >> beam.FlatMap(_candidates, parts, self.hot_bucket)
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
        edges, convergence = edges | "Components" >> _Components(self.rounds, parts)
        node_labels = (
            edges
            | "LabelEdges" >> beam.FlatMap(_edges_by_node, parts)
            | "GroupLabels" >> beam.GroupByKey()
            | "Labels" >> beam.FlatMap(_labels, parts)
        )
        members = fps | "Members" >> beam.FlatMap(_members, parts)
        clusters = (
            {"members": members, "labels": node_labels}
            | "JoinMembers" >> beam.CoGroupByKey()
            | "LabelMembers" >> beam.FlatMap(_label_members, parts)
            | "GroupClusters" >> beam.GroupByKey()
            | "Clusters" >> beam.ParDo(ClustersFn()).with_outputs(PER_CLUSTER, main=CLUSTERS)
        )
        return {CLUSTERS: clusters[CLUSTERS], PER_CLUSTER: clusters[PER_CLUSTER], CONVERGENCE: convergence}


class _Components(beam.PTransform):
    """Large-star / small-star rounds until one changes nothing, at most ``rounds``: edges out (stars around each
    component's smallest node once converged) and one ``CONVERGENCE_SCHEMA`` row.

    Beam graphs are fixed before they run, so every round up to the limit exists; every ``GATE_EVERY`` rounds, if
    the previous round changed nothing, the edges go straight to the output (a side input of its change counts) and
    the rounds after get no data.

    The side inputs are the single-output ``(round, changes)`` steps, never a star step's tagged ``CHANGES`` output:
    Beam's BundleBasedDirectRunner fills a side input of a multi-output ParDo's tagged output with all its outputs
    or with none (docs/DEDUP_NOTES.md).
    """

    def __init__(self, rounds: int, partitions: int):
        super().__init__()
        self.rounds, self.partitions = rounds, partitions

    def expand(self, edges):
        counts, settled, history = [], [], []
        for r in range(self.rounds):
            if r % GATE_EVERY == 0 and counts:  # the previous round's change counts as side inputs
                sides = [beam.pvalue.AsList(c) for c in counts]
                gate = edges | f"Gate{r}" >> beam.FlatMap(_gate, *sides).with_outputs(SETTLED, main="active")
                edges, settled = gate.active, [*settled, gate[SETTLED]]
            counter = UNCONVERGED if r == self.rounds - 1 else f"near_dup_changes_round{r}"
            large = edges | f"LargeStar{r}" >> _StarStep(large_star, counter, self.partitions)
            small = large.edges | f"SmallStar{r}" >> _StarStep(small_star, counter, self.partitions)
            edges, counts = small.edges, [_round_counts(large, "L", r), _round_counts(small, "S", r)]
            history += counts
        convergence = (
            history
            | "AllRounds" >> beam.Flatten()
            | "History" >> beam.combiners.ToList()
            | "Convergence" >> beam.Map(convergence_row, self.rounds)
        )
        return [*settled, edges] | "SettledEdges" >> beam.Flatten(), convergence


def _round_counts(star, step: str, r: int):
    """A star step's change counts as ``(round, changes)``, from a single-output step (see ``_Components``)."""
    return star[CHANGES] | f"{step}Round{r}" >> beam.Map(lambda n: (r, n))


def convergence_row(history: list[tuple[int, int]], limit: int) -> dict:
    """The ``CONVERGENCE_SCHEMA`` row of ``(round, changes)`` pairs (rounds without data have none, and changed
    nothing): rounds used up to and including the first that changed nothing (the limit if none did)."""
    changed = {r for r, n in history if n}
    quiet = next((r for r in range(limit) if r not in changed), None)
    return {"round_limit": limit, "rounds_used": limit if quiet is None else quiet + 1, "converged": quiet is not None}


def _gate(edges: tuple, large: list[tuple[int, int]], small: list[tuple[int, int]]):
    """Edges go on to the round if the previous one changed anything (``(round, changes)`` of its two steps), else
    straight to the output."""
    yield edges if any(n for _, n in large + small) else beam.pvalue.TaggedOutput(SETTLED, edges)


class VerifyFn(beam.DoFn):
    """A partition's signatures and the pairs whose first node lies there in; verified edges out."""

    def __init__(self, threshold: float):
        self.threshold = threshold

    def setup(self):
        self.rejected = Metrics.counter("synthsieve", "near_dup_candidates_rejected")

    def process(self, group):
        nodes, sigs = _signature_block(group[1])
        yield from _gathered(self._verified(nodes, sigs, group[1]), 2)

    def _verified(self, nodes: np.ndarray, sigs: np.ndarray, tagged):
        """Verified edges, pair block by pair block (a hot bucket's centre is the first node of all its pairs)."""
        for a, b, sig_b in _tagged(tagged, PAIRS):
            keep = verified(sigs[index_of(nodes, a)], sig_b, self.threshold)
            self.rejected.inc(int((~keep).sum()))
            yield b[keep], a[keep]


class ClustersFn(beam.DoFn):
    """Whole clusters (members with their labels) in; their documents' rows out, keyed by each member's batch, and
    to ``PER_CLUSTER`` one table of the clusters of two or more documents."""

    def setup(self):
        self.duplicates = Metrics.counter("synthsieve", "near_dup_duplicates")

    def process(self, group):
        members, labels_ = concat(group[1], 2)
        rows, clusters = cluster_table(members, labels_)
        self.duplicates.inc(int((~rows.column("is_canonical").to_numpy(zero_copy_only=False)).sum()))
        yield from by_key(rows.column("batch").to_numpy(), rows)
        if clusters.num_rows:
            yield beam.pvalue.TaggedOutput(PER_CLUSTER, clusters)


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
            | "Rewrite" >> beam.ParDo(StarFn(self.step, self.counter)).with_outputs(CHANGES, main="edges")
        )


class StarFn(beam.DoFn):
    """A partition's edges (both directions) in; the step's new edges out, its change count to a Metrics counter and
    to the ``CHANGES`` output."""

    def __init__(self, step: Callable, counter: str):
        self.step, self.counter_name = step, counter

    def setup(self):
        self.changes = Metrics.counter("synthsieve", self.counter_name)

    def process(self, group):
        edges, changed = self.step(*concat(group[1], 2))
        self.changes.inc(changed)
        yield beam.pvalue.TaggedOutput(CHANGES, changed)
        if len(edges[0]):
            yield edges


def _bucket_entries(fp: Fingerprints, params: MinHashParams, parts: int, with_signatures: bool):
    """A batch's bucket entries by bucket partition, and (to be verified against) its signatures by node partition."""
    keys, nodes = bucket_entries(fp.nodes, fp.signatures, fp.exact, params)
    yield from ((p, (BUCKETS, *block)) for p, block in split(keys, parts, keys, nodes))
    if with_signatures:
        hashes = verification_hashes(fp.signatures)
        yield from ((p, (SIGNATURES, *block)) for p, block in split(fp.nodes, parts, fp.nodes, hashes))


def _candidates(group, parts: int, hot: int):
    """A partition of bucket entries in; candidate pairs out, keyed by the partition of their second node, and the
    partition's signature blocks passed on. Buckets of more than ``hot`` members get ``hot_bucket_edges`` block by
    block, the others ``candidate_edges`` (the group is read twice, for the bucket sizes first)."""
    normal = []
    for a, b in _gathered(_hot_edges(group[1], hot, normal), 2):
        yield from _by_second(a, b, parts)
    yield from _by_second(*candidate_edges(*concat(normal, 2)), parts)
    yield from _passed(group, SIGNATURES)


def _hot_edges(tagged, hot: int, normal: list):
    """``hot_bucket_edges`` of the group's hot buckets, block by block; the other entries are appended to
    ``normal``."""
    keys, sizes, smallest = bucket_sizes(_tagged(tagged, BUCKETS))
    for k, n in _tagged(tagged, BUCKETS):
        at = index_of(keys, k)
        big = sizes[at] > hot
        normal.append((k[~big], n[~big]))
        if big.any():
            yield hot_bucket_edges(k[big], n[big], smallest[at[big]])


def _by_second(a: np.ndarray, b: np.ndarray, parts: int):
    return ((p, (PAIRS, *block)) for p, block in split(b, parts, a, b))


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
    return concat(list(_tagged(tagged, tag)), width)


def _tagged(tagged, tag: str):
    """The columns of each block tagged ``tag``, one block at a time."""
    return (block[1:] for block in tagged if block[0] == tag)


def _gathered(blocks, width: int):
    """Blocks of ``width`` columns joined into elements of about ``CHUNK_ROWS`` rows (empty blocks dropped): few
    elements per step, and memory bounded by one element, not by the whole output."""
    pending, rows = [], 0
    for block in blocks:
        if len(block[0]):
            pending.append(block)
            rows += len(block[0])
        if rows >= CHUNK_ROWS:
            yield concat(pending, width)
            pending, rows = [], 0
    if pending:
        yield concat(pending, width)


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
