"""MinHash signatures of word n-gram shingles, a whole batch at a time in numpy.

Shingles are the word n-grams of ``normalize_text(text)``: ``ngram`` words joined by one space, UTF-8 encoded.
Each is hashed to 32 bits by ``shingle_hash``: a polynomial hash of its bytes modulo 2**64 (odd base ``_BASE``),
finalised with the MurmurHash3 64-bit mixer and cut to its high 32 bits. A polynomial hash is used, not xxhash,
because the hashes of every n-gram of a batch then come from two prefix sums over the batch's bytes, with no
Python call per shingle or per word; ``shingle_hash`` is the pure-Python reference of the same function.

Signatures follow datasketch 2.0's default ``affine32`` scheme exactly: ``MinHash(num_perm, seed,
hashfunc=shingle_hash)`` updated with the same shingle strings has the same ``hashvalues`` (tested).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_HASH = np.uint32(0xFFFFFFFF)  # the signature value of a document without shingles
_BASE = 0x100000001B3  # odd, so invertible modulo 2**64
_BASE_INV = pow(_BASE, -1, 1 << 64)
_MASK64 = (1 << 64) - 1
# Whitespace that NFKC keeps; the other Unicode spaces NFKC maps to U+0020 and ASCII ones are found in numpy.
_WIDE_SPACES = {ord(c): " " for c in "\x85\u1680\u2028\u2029"}
_SPACE_FOLD = np.arange(256, dtype=np.uint8)
_SPACE_FOLD[[9, 10, 11, 12, 13, 28, 29, 30, 31]] = 32  # the ASCII characters of str.isspace become spaces
_CHUNK_CHARS = 1 << 18  # characters shingled at once: bounds the byte-level arrays and the power tables
_BUDGET = 1 << 17  # uint32 cells permuted at once: 512 KiB stays in L2 over the three passes (3x faster than 8 MiB)


@dataclass(frozen=True)
class MinHashParams:
    """MinHash and LSH banding settings; ``str()`` gives a short tag for output paths and columns.

    Attributes:
        num_perm: permutations per signature (must equal ``bands * rows``).
        ngram: words per shingle.
        seed: seed of the permutations (datasketch's ``seed``).
        bands: LSH bands; two documents are candidates when any band is equal.
        rows: signature values per band.
    """

    num_perm: int = 128
    ngram: int = 5
    seed: int = 1
    bands: int = 32
    rows: int = 4

    def __post_init__(self):
        if min(self.num_perm, self.ngram, self.bands, self.rows) < 1:
            raise ValueError(f"MinHash parameters must be positive: {self}")
        if self.bands * self.rows != self.num_perm:
            raise ValueError(f"bands * rows must equal num_perm: {self.bands} * {self.rows} != {self.num_perm}")

    def __str__(self) -> str:
        return f"mh{self.num_perm}_w{self.ngram}_s{self.seed}_b{self.bands}r{self.rows}"


def permutations(params: MinHashParams) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` uint32 arrays of datasketch's affine32 permutations ``h -> a * h + b mod 2**32``."""
    gen = np.random.RandomState(params.seed)
    a = gen.randint(0, 1 << 31, params.num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, params.num_perm, dtype=np.uint32)
    return a, b


def shingle_hash(shingle: str) -> int:
    """Reference 32-bit hash of one shingle string (what ``shingles`` computes in bulk)."""
    h = 0
    for i, byte in enumerate(shingle.encode("utf-8")):
        h = (h + byte * pow(_BASE, i, 1 << 64)) & _MASK64
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK64
    h ^= h >> 33
    return h >> 32


def shingles(text: str, ngram: int = 5) -> np.ndarray:
    """uint32 hashes of the word n-grams of ``normalize_text(text)``, in text order.

    A text of fewer than ``ngram`` words gives one shingle, the whole text; an empty text gives none.
    """
    hashes, _ = _batch_shingles([text], ngram)
    return hashes


def signatures(texts: Sequence[str], params: MinHashParams) -> np.ndarray:
    """MinHash signatures, shape ``(len(texts), num_perm)``, uint32; all ``MAX_HASH`` for a text with no words."""
    a, b = permutations(params)
    out = np.empty((len(texts), params.num_perm), dtype=np.uint32)
    for lo, hi in _chunks(texts):
        hashes, counts = _batch_shingles(texts[lo:hi], params.ngram)
        out[lo:hi] = _min_permuted(_fmix32(hashes), counts, a, b)
    return out


def _chunks(texts: Sequence[str]) -> list[tuple[int, int]]:
    """``(start, stop)`` runs of texts of about ``_CHUNK_CHARS`` characters in all (at least one text each)."""
    bounds, size = [0], 0
    for i, text in enumerate(texts):
        if size and size + len(text) > _CHUNK_CHARS:
            bounds.append(i)
            size = 0
        size += len(text)
    return list(zip(bounds, [*bounds[1:], len(texts)])) if texts else []


def _utf8(text: str) -> bytes:
    """NFKC, lowercased, UTF-8: ``normalize_text`` up to whitespace, which the numpy side collapses."""
    text = unicodedata.normalize("NFKC", text).lower()
    if not text.isascii() and any(chr(c) in text for c in _WIDE_SPACES):
        text = text.translate(_WIDE_SPACES)
    return text.encode("utf-8")


def _batch_shingles(texts: Sequence[str], ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """All shingle hashes of the batch, concatenated, and the number of shingles of each text."""
    chars, words = _compact(texts)
    starts, ends = _words(chars)
    counts = np.where(words > 0, np.maximum(words - ngram + 1, 1), 0)
    first = np.repeat(np.cumsum(words) - words, counts)
    first += np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    last = first + np.repeat(np.minimum(words, ngram), counts) - 1
    return _span_hashes(chars, starts[first], ends[last]), counts


def _compact(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The batch's bytes with each whitespace run (and each text boundary) turned into one space, and the number
    of words of every text."""
    blobs = [_utf8(t) for t in texts]
    raw = _SPACE_FOLD[np.frombuffer(b"\n".join([*blobs, b""]), dtype=np.uint8)]
    space = raw == 32
    keep = ~space
    keep[1:] |= space[1:] & ~space[:-1]  # the first byte of each run stands for the run
    word_start = keep & ~space
    word_start[1:] &= space[:-1]
    sizes = np.array([len(b) + 1 for b in blobs], dtype=np.int64)
    words = np.add.reduceat(word_start, np.cumsum(sizes) - sizes, dtype=np.int64) if len(blobs) else sizes
    return raw[keep], words


def _words(chars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) byte offsets of every word in compacted bytes."""
    letter = np.concatenate(([False], chars != 32, [False]))
    edges = np.flatnonzero(letter[1:] != letter[:-1])
    return edges[0::2], edges[1::2]


def _span_hashes(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``shingle_hash`` of every byte span ``chars[start:end]``, from prefix sums of ``byte * BASE**i``."""
    prefix = np.zeros(len(chars) + 1, dtype=np.uint64)
    np.cumsum(chars * _powers(_BASE, len(chars)), out=prefix[1:])
    unshift = _powers(_BASE_INV, len(chars))[starts]
    return (fmix64((prefix[ends] - prefix[starts]) * unshift) >> np.uint64(32)).astype(np.uint32)


def _powers(base: int, n: int) -> np.ndarray:
    """``base ** i`` modulo 2**64 for ``i`` in ``range(n)``, as uint64 (read-only; from a cached table)."""
    return _power_table(base, max(1024, 1 << (n - 1).bit_length()))[:n]


@functools.cache
def _power_table(base: int, size: int) -> np.ndarray:
    steps = np.full(size, base, dtype=np.uint64)
    steps[0] = 1
    table = np.cumprod(steps)  # numpy's array products wrap modulo 2**64
    table.flags.writeable = False
    return table


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser on a uint64 array: a bijection that spreads every input bit over all bits."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, which datasketch's affine32 scheme applies to every input hash."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _min_permuted(hashes: np.ndarray, counts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per text, the minimum over its shingles of every permutation ``a * h + b``.

    Texts are sorted by shingle count and taken in groups that fit ``_BUDGET``; within a group each text's
    shingle list is padded to the group's longest by repeating its own first shingle (harmless to a minimum), so
    one dense ``(texts, shingles, num_perm)`` block and one ``min`` serve the whole group.
    """
    out = np.full((len(counts), len(a)), MAX_HASH, dtype=np.uint32)
    offsets = np.cumsum(counts) - counts
    order = np.argsort(counts, kind="stable")
    order = order[counts[order] > 0]
    i = 0
    while i < len(order):
        width = int(counts[order[i]])
        j = i + 1
        while j < len(order) and (j + 1 - i) * int(counts[order[j]]) * len(a) <= _BUDGET:
            width, j = int(counts[order[j]]), j + 1
        group = order[i:j]
        steps = np.minimum(np.arange(width), counts[group, None] - 1)
        block = np.multiply(hashes[offsets[group, None] + steps][..., None], a)
        block += b
        out[group] = block.min(axis=1)
        i = j
    return out
