"""Document language identification: py3langid's model, run over a whole batch at once.

py3langid walks a byte-level DFA one byte at a time in Python (~0.4 ms per 300-character text). Here the walk runs in
lock-step over the batch with numpy: one vectorised step per byte position instead of one Python step per byte
per text; the naive-Bayes scoring and normalisation are py3langid's own (``LanguageIdentifier``), done for the whole
batch as one sparse (texts x features) by dense (features x languages) product.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from scipy import sparse

# Language is settled within the opening of a text. On 3,000 texts of the labelled set (en/de/fr/es) a 300-character
# prefix scored 99.8% accuracy, as did 2,000 characters.
_PREFIX_CHARS = 300
UNDETERMINED = "und"


@functools.cache
def _model() -> tuple[LanguageIdentifier, np.ndarray, np.ndarray, np.ndarray]:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # float16 matrix products take numpy's slow path; float32 is exact for float16 values and 7x faster here.
    identifier.nb_ptc = identifier.nb_ptc.astype(np.float32)
    nextmove = np.frombuffer(identifier.tk_nextmove, dtype=np.dtype(identifier.tk_nextmove.typecode))
    rowbase = np.asarray(identifier.tk_row, dtype=np.int64) << 8
    output = np.asarray(identifier.tk_output, dtype=np.int64)
    return identifier, nextmove, rowbase, output  # nextmove: a zero-copy view of the model's 9.8M transitions


def detect_languages(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Identifies the language of each text from its first 300 characters.

    Returns:
        ISO 639 codes (``"und"`` for empty or whitespace-only texts) and float32 confidences in [0, 1] (0.0 for
        ``"und"``), one per text; the same as ``py3langid``'s ``classify`` with normalised probabilities.
    """
    identifier = _model()[0]
    encoded = [identifier._encode(t[:_PREFIX_CHARS]) if t[:_PREFIX_CHARS].strip() else b"" for t in texts]
    rows, ids, counts = _walk(encoded)
    lengths = np.fromiter(map(len, encoded), dtype=np.float64, count=len(encoded))
    scores = _normalised(identifier, rows, ids, counts, lengths)
    best = scores.argmax(axis=1)
    known = lengths > 0
    codes = [identifier.nb_classes[b] if k else UNDETERMINED for b, k in zip(best.tolist(), known.tolist())]
    confidences = np.where(known, scores[np.arange(len(texts)), best], 0.0).astype(np.float32)
    return codes, confidences


def _walk(encoded: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(text, feature id, count)`` of every feature the texts hit, sorted by text, from the DFA walked in lock-step
    over the batch.

    Texts are walked longest first, so the texts still walking at step ``t`` are the first ``live[t]``: each step
    is three gathers over a contiguous row of byte ``t`` of every text, with no masking.
    """
    identifier, nextmove, rowbase, output = _model()
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    order = np.argsort(-lengths, kind="stable")
    width = int(lengths.max(initial=0))
    padded = b"".join(encoded[i].ljust(width, b"\0") for i in order.tolist())
    grid = np.ascontiguousarray(np.frombuffer(padded, dtype=np.uint8).reshape(len(encoded), width).T)
    live = np.searchsorted(-lengths[order], -np.arange(width), side="left")
    state = np.zeros(len(encoded), dtype=np.int64)
    hits = np.full((width, len(encoded)), -1, dtype=np.int64)
    for t, k in enumerate(live.tolist()):
        moved = nextmove[rowbase[state[:k]] + grid[t, :k]]
        state[:k] = moved
        hits[t, :k] = output[moved]
    n_features = len(identifier.nb_ptc)
    slots, steps = np.nonzero(hits.T >= 0)
    key = order[slots] * n_features + hits[steps, slots]  # (text, feature) pairs, counted in one pass over the batch
    unique, counts = np.unique(key, return_counts=True)
    return unique // n_features, unique % n_features, counts


def _normalised(identifier: LanguageIdentifier, rows, ids, counts, lengths: np.ndarray) -> np.ndarray:
    """py3langid's normalised class probabilities of every text, shape ``(texts, classes)``, from the feature counts
    of ``_walk`` (rows sorted): ``log1p(counts) @ nb_ptc[ids] + nb_pc``, scaled by 1/sqrt(bytes), softmax."""
    weights = sparse.csr_matrix(
        (np.log1p(counts.astype(np.float32)), (rows, ids)), shape=(len(lengths), len(identifier.nb_ptc))
    )
    scores = np.asarray(weights @ identifier.nb_ptc, dtype=np.float32)
    scores[np.bincount(rows, minlength=len(lengths)) > 0] += identifier.nb_pc
    scores *= (1.0 / np.sqrt(np.maximum(lengths, 1.0))).astype(np.float32)[:, None]
    np.exp(scores - scores.max(axis=1, keepdims=True), out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    for first, dupe in identifier._alias_pairs:
        scores[:, first] += scores[:, dupe]
        scores[:, dupe] = 0.0
    return scores
