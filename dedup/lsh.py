"""LSH banding of MinHash signatures and exact checks of candidate pairs, in numpy (no Beam)."""

from __future__ import annotations

import numpy as np

from synthsieve.dedup.minhash import MAX_HASH, MinHashParams, fmix64

_ROW_MIX = np.uint64(0x9E3779B97F4A7C15)


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


def has_shingles(sigs: np.ndarray) -> np.ndarray:
    """True for each signature of a text with at least one shingle (empty texts share no near-duplicate key)."""
    return (np.asarray(sigs) != MAX_HASH).any(axis=-1)


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray | float:
    """MinHash estimate of Jaccard similarity: the share of equal positions (broadcasts over leading axes)."""
    return np.mean(np.asarray(sig_a) == np.asarray(sig_b), axis=-1)


def verified(anchor: np.ndarray, members: np.ndarray, threshold: float | None) -> np.ndarray:
    """Which candidate members are near-duplicates of ``anchor``: estimated Jaccard at least ``threshold``.

    Args:
        anchor: one signature, shape ``(num_perm,)``.
        members: candidate signatures, shape ``(k, num_perm)``.
        threshold: minimum estimated Jaccard; None keeps every candidate (LSH alone decides).
    """
    if threshold is None:
        return np.ones(len(members), dtype=bool)
    return estimated_jaccard(members, anchor) >= threshold


def candidate_probability(jaccard: np.ndarray | float, bands: int, rows: int) -> np.ndarray | float:
    """Probability that two texts of this Jaccard similarity share at least one band: ``1 - (1 - J**r)**b``."""
    return 1.0 - (1.0 - np.asarray(jaccard, dtype=float) ** rows) ** bands
