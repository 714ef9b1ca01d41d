"""Lexical diversity of a body of text, on batches (pyarrow tokenization, numpy counting; no per-word Python).

Texts become word ids once: NFKC, lowercase, words are runs of letters, marks and digits (``it's`` is ``it`` and
``s``; scripts written without spaces give one word per run). Every measure is taken on the first ``budget`` words
in reading order: distinct-n, entropy and the hapax share all fall as a body of text grows, so two bodies are only
comparable at the same number of words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

WORD_SEPARATORS = r"[^\pL\pM\pN]+"
MAX_N = 4
GROWTH_POINTS = 24
GROWTH_START = 100  # type-token growth is fitted from this many words on (fewer: from the first word)


@dataclass(frozen=True)
class Tokens:
    """Word ids of a body of text in reading order, and the index of the document each word belongs to."""

    ids: np.ndarray
    docs: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def head(self, budget: int) -> Tokens:
        """The first ``budget`` words (a document may be cut)."""
        return Tokens(self.ids[:budget], self.docs[:budget])


def tokenize(texts: Sequence[str] | pa.Array) -> Tokens:
    """Word ids (int64, dense from 0 in order of first appearance) and document indexes of ``texts``."""
    arr = pa.array(texts, pa.large_string()) if not isinstance(texts, pa.Array) else texts
    if len(arr) == 0:
        return Tokens(np.zeros(0, np.int64), np.zeros(0, np.int64))
    words = pc.split_pattern_regex(pc.utf8_lower(pc.utf8_normalize(arr, "NFKC")), pattern=WORD_SEPARATORS)
    flat, docs = pc.list_flatten(words), pc.list_parent_indices(words)
    keep = pc.greater(pc.utf8_length(flat), 0)
    encoded = pc.dictionary_encode(flat.filter(keep))
    return Tokens(encoded.indices.to_numpy().astype(np.int64), docs.filter(keep).to_numpy().astype(np.int64))


def distinct_n(tokens: Tokens, max_n: int = MAX_N) -> list[float | None]:
    """Distinct-n for n = 1..max_n: distinct n-grams / n-gram occurrences, n-grams inside one document only.

    n-grams are ranked exactly, one order at a time: the rank of an n-gram is the rank among (n-1)-gram rank and
    next word id pairs, so no hash can collide. None where the text has no n-gram of that order.
    """
    ids, docs, ranks, out = tokens.ids, tokens.docs, tokens.ids, []
    width = int(ids.max()) + 1 if len(ids) else 1
    for n in range(1, max_n + 1):
        m = len(ids) - n + 1
        if m <= 0:
            out.append(None)
            continue
        if n > 1:
            _, ranks = np.unique(ranks[:m] * width + ids[n - 1 :], return_inverse=True)
        valid = docs[:m] == docs[n - 1 :]
        total = int(valid.sum())
        out.append(float(np.count_nonzero(np.bincount(ranks[valid])) / total) if total else None)
    return out


def unigram_entropy(tokens: Tokens) -> float | None:
    """Shannon entropy of the word distribution, in bits (plug-in estimate)."""
    if not len(tokens):
        return None
    p = np.bincount(tokens.ids) / len(tokens)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def tail_mass(tokens: Tokens) -> float | None:
    """Share of word occurrences whose word occurs only once (hapax legomena): Good-Turing's estimate of the
    probability that the next word is one not seen yet. Falls when the rare tail of the vocabulary is lost."""
    if not len(tokens):
        return None
    return float(np.count_nonzero(np.bincount(tokens.ids) == 1) / len(tokens))


def type_growth(tokens: Tokens, points: int = GROWTH_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Distinct words ``V(t)`` after ``t`` words, at up to ``points`` log-spaced ``t`` from ``GROWTH_START`` (1 for
    shorter texts) to all words: the type-token (Heaps) curve."""
    n = len(tokens)
    if not n:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    new = np.zeros(n, np.int64)
    new[np.unique(tokens.ids, return_index=True)[1]] = 1
    seen = np.cumsum(new)
    t = np.unique(np.geomspace(GROWTH_START if n > GROWTH_START else 1, n, points).round().astype(np.int64))
    return t, seen[t - 1]


def heaps_exponent(t: np.ndarray, types: np.ndarray) -> float | None:
    """Slope of ``log V(t)`` against ``log t`` (Heaps' law ``V = K t^beta``): how fast new words keep coming;
    None with fewer than two points."""
    if len(t) < 2:
        return None
    return float(np.polyfit(np.log(t), np.log(types), 1)[0])


def profile(tokens: Tokens, budget: int | None = None) -> dict[str, float | None]:
    """Every text measure on the first ``budget`` words (all words when None)."""
    head = tokens.head(budget) if budget is not None else tokens
    measures = {f"distinct_{n}": v for n, v in enumerate(distinct_n(head), start=1)}
    measures["unigram_entropy"] = unigram_entropy(head)
    measures["heaps_exponent"] = heaps_exponent(*type_growth(head))
    measures["tail_mass"] = tail_mass(head)
    return measures


def change(value: float | None, reference: float | None) -> float | None:
    """Relative change of ``value`` against ``reference``; None when either is missing or the reference is 0."""
    if value is None or reference is None or reference == 0 or math.isnan(reference):
        return None
    return (value - reference) / abs(reference)
