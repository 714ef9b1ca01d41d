"""LSH banding of MinHash signatures, candidate pairs from shared buckets and their exact checks, in numpy."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from synthsieve.dedup.minhash import MAX_HASH, MinHashParams, fmix64

_ROW_MIX = np.uint64(0x9E3779B97F4A7C15)
_EXACT_MIX = np.uint64(0xD6E8FEB86659FD93)  # keeps content-hash keys apart from band keys


def band_keys(sigs: np.ndarray, params: MinHashParams) -> np.ndarray:
    """64-bit bucket keys, shape ``(n, bands)``: equal keys mean (up to 2**-64 chance) equal bands.

    Each key chains ``fmix64`` over the band's ``rows`` values, starting from a value derived from the band index,
    so equal values in different bands give different keys.

    Args:
        sigs: uint32 signatures, shape ``(n, num_perm)``.
        params: gives ``bands`` and ``rows``.
    """
    values = np.asarray(sigs, dtype=np.uint64).reshape(len(sigs), params.bands, params.rows)
    keys = fmix64(np.arange(1, params.bands + 1, dtype=np.uint64) * _ROW_MIX)
    keys = np.broadcast_to(keys, values.shape[:2])
    for row in range(params.rows):
        keys = fmix64((keys ^ values[:, :, row]) * _ROW_MIX)
    return keys


def bucket_entries(
    nodes: np.ndarray, sigs: np.ndarray, exact: np.ndarray, params: MinHashParams
) -> tuple[np.ndarray, np.ndarray]:
    """``(key, node)`` of every bucket the documents fall in: one per band for a document with shingles, plus one
    exact-duplicate key (its content hash) for every document, so identical texts without words still meet.

    Args:
        nodes: uint64 node key per document.
        sigs: their signatures, shape ``(n, num_perm)``.
        exact: uint64 content-hash prefix per document.
        params: gives ``bands`` and ``rows``.
    """
    live = has_shingles(sigs)
    keys = band_keys(sigs[live], params).ravel()
    exact_keys = fmix64(np.asarray(exact, dtype=np.uint64) ^ _EXACT_MIX)
    return np.concatenate([keys, exact_keys]), np.concatenate([np.repeat(nodes[live], params.bands), nodes])


def candidate_edges(keys: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs ``(smaller, larger)`` of nodes that share a bucket key, each pair once.

    Each bucket gives a star from its smallest node and a chain through its nodes in order, ``2(k - 1)`` edges for
    ``k`` members, not all ``k(k - 1) / 2`` pairs: the star links the bucket in one step, and the chain keeps true
    pairs linked when the star's centre is a false positive that verification removes.
    """
    if not len(keys):
        return unique_pairs(np.zeros(0, np.uint64), np.zeros(0, np.uint64))
    order = np.lexsort((nodes, keys))
    k, n = keys[order], nodes[order]
    fresh = np.r_[True, (k[1:] != k[:-1]) | (n[1:] != n[:-1])]
    k, n = k[fresh], n[fresh]
    start = np.r_[True, k[1:] != k[:-1]]
    follow = np.flatnonzero(~start)
    anchor = np.maximum.accumulate(np.where(start, np.arange(len(k)), 0))[follow]
    return unique_pairs(np.r_[n[anchor], n[follow - 1]], np.r_[n[follow], n[follow]])


def bucket_sizes(blocks: Iterable[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every bucket key of ``(keys, nodes)`` blocks, sorted, with its member count and smallest node, read one block
    at a time: memory grows with distinct keys, not with the members of a bucket."""
    merged, pending, rows = _sizes(np.zeros(0, np.uint64), np.zeros(0, np.uint64)), [], 0
    for keys, nodes in blocks:
        pending.append(_sizes(keys, nodes))
        rows += len(pending[-1][0])
        if rows > max(len(merged[0]), 1 << 16):  # merge rarely: each merge sorts everything seen so far
            merged, pending, rows = _merge_sizes([merged, *pending]), [], 0
    return _merge_sizes([merged, *pending])


def hot_bucket_edges(keys: np.ndarray, nodes: np.ndarray, smallest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs of one block of a hot bucket's entries: each node with its bucket's ``smallest`` node (a star
    built without the bucket's member list) and a chain through the block's nodes of one bucket, each pair once."""
    order = np.lexsort((nodes, keys))
    k, n, low = keys[order], nodes[order], smallest[order]
    same = np.flatnonzero(k[1:] == k[:-1])
    star = n != low
    return unique_pairs(np.r_[low[star], n[same]], np.r_[n[star], n[same + 1]])


def _sizes(keys: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return _merge_sizes([(keys, np.ones(len(keys), np.int64), nodes)])


def _merge_sizes(parts: list[tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(key, count, smallest)`` summaries joined: counts summed and minimums taken per key."""
    keys, counts, low = (np.concatenate([p[i] for p in parts]) for i in range(3))
    order = np.argsort(keys, kind="stable")
    keys, counts, low = keys[order].astype(np.uint64), counts[order].astype(np.int64), low[order].astype(np.uint64)
    if not len(keys):
        return keys, counts, low
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.add.reduceat(counts, starts), np.minimum.reduceat(low, starts)


def unique_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sorted by ``(a, b)``, each once (``lexsort``: ``np.unique(axis=0)`` is several times slower)."""
    order = np.lexsort((b, a))
    a, b = a[order].astype(np.uint64), b[order].astype(np.uint64)
    keep = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])] if len(a) else np.zeros(0, bool)
    return a[keep], b[keep]


def has_shingles(sigs: np.ndarray) -> np.ndarray:
    """True for each signature of a text with at least one shingle (empty texts share no near-duplicate key)."""
    return (np.asarray(sigs) != MAX_HASH).any(axis=-1)


VERIFICATION_BITS = 8


def verification_hashes(sigs: np.ndarray) -> np.ndarray:
    """The low 8 bits of each MinHash value, what candidate verification compares (b-bit minwise hashing, Li and
    Koenig 2010): the verification joins ship a quarter of the signature bytes. Unequal values collide with
    probability 2**-8, which ``verification_jaccard`` takes out."""
    return np.asarray(sigs).astype(np.uint8)


def verification_jaccard(hashes_a: np.ndarray, hashes_b: np.ndarray) -> np.ndarray | float:
    """Jaccard estimate from ``verification_hashes``: the share of equal positions less the chance collisions,
    ``(share - c) / (1 - c)`` with ``c = 2**-VERIFICATION_BITS`` (broadcasts over leading axes)."""
    chance = 2.0**-VERIFICATION_BITS
    return (estimated_jaccard(hashes_a, hashes_b) - chance) / (1.0 - chance)


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray | float:
    """MinHash estimate of Jaccard similarity: the share of equal positions (broadcasts over leading axes)."""
    return np.mean(np.asarray(sig_a) == np.asarray(sig_b), axis=-1)


def verified(hashes_a: np.ndarray, hashes_b: np.ndarray, threshold: float | None) -> np.ndarray:
    """Which pairs of ``verification_hashes`` are near-duplicates: ``verification_jaccard`` at least ``threshold``
    (broadcasts over leading axes: pair by pair, or one anchor against many); None keeps every pair (LSH alone
    decides)."""
    if threshold is None:
        return np.ones(np.broadcast_shapes(np.shape(hashes_a), np.shape(hashes_b))[:-1], dtype=bool)
    return verification_jaccard(hashes_a, hashes_b) >= threshold


def candidate_probability(jaccard: np.ndarray | float, bands: int, rows: int) -> np.ndarray | float:
    """Probability that two texts of this Jaccard similarity share at least one band: ``1 - (1 - J**r)**b``."""
    return 1.0 - (1.0 - np.asarray(jaccard, dtype=float) ** rows) ** bands
