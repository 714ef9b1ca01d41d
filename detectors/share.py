"""How much of a corpus is synthetic: the share ``a`` of the mixture ``(1 - a) H + a S`` of a human and a synthetic
``p_synthetic`` distribution (Liang et al., ICML 2024, "Monitoring AI-Modified Content at Scale"), with a 95%
interval, and a floor that needs only H (a mixture-proportion lower bound, Scott 2015).

Everything works on counts per fixed bin of ``p_synthetic``, which merge exactly: the histogram of a union of
documents is the sum of their histograms, so a runner may split the work any way it likes. Documents without a
``p_synthetic`` (NaN: not scored) are in no histogram; the caller counts them separately. docs/SHARE.md has the
validation behind every choice here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthsieve.detectors.base import MODELS

BINS = 120
LOGIT_SPAN = 6.0  # bins are uniform in logit(p) over [-6, 6] (p 0.0025 .. 0.9975); the two outer bins are open
EDGES = 1.0 / (1.0 + np.exp(-np.linspace(-LOGIT_SPAN, LOGIT_SPAN, BINS + 1)[1:-1]))  # the BINS - 1 inner edges, in p
LAYOUT = {"uniform_in": "logit(p)", "bins": BINS, "logit_span": LOGIT_SPAN}
REFERENCE_PATH = MODELS / "share_reference.json"
PSEUDO = 0.5  # added to every (coarse) bin of a reference: an empty bin is unlikely, not impossible
CUTS = 16  # thresholds {p <= t} the floor tries, evenly spaced in bins; each bound gets alpha / (2 * CUTS)
METHOD = f"binned-mle/profile-delta/floor-cp{CUTS}"


def bin_index(p: np.ndarray, edges: np.ndarray = EDGES) -> np.ndarray:
    """The bin of each score (bin i holds ``edges[i-1] <= p < edges[i]``), -1 for NaN (not scored)."""
    p = np.asarray(p, dtype=np.float64)
    return np.where(np.isnan(p), -1, np.searchsorted(edges, p, side="right"))


def histogram(p: np.ndarray, edges: np.ndarray = EDGES) -> np.ndarray:
    """Counts per bin of the scores (``len(edges) + 1`` bins), NaN left out."""
    index = bin_index(p, edges)
    return np.bincount(index[index >= 0], minlength=len(edges) + 1)


def load_reference(path: str | Path = REFERENCE_PATH) -> tuple[np.ndarray, np.ndarray]:
    """The (human, synthetic) reference counts of a card (default: the shipped global ones, built by
    ``training/share_reference.py`` from the labelled sets).

    Raises:
        ValueError: the card's bins are not this module's.
    """
    card = json.loads(Path(path).read_text(encoding="utf-8"))
    if card["bins"] != LAYOUT:
        raise ValueError(f"{path} is binned as {card['bins']}, the estimator as {LAYOUT}")
    return np.array(card["human"], dtype=np.int64), np.array(card["synthetic"], dtype=np.int64)


@dataclass(frozen=True)
class Share:
    """The synthetic share of a set of documents: the estimate, its 95% interval ``[lo, hi]`` and the floor, all in
    [0, 1] and NaN when there are no documents; ``documents`` is the mixture's count."""

    share: float
    lo: float
    hi: float
    floor: float
    documents: int
    method: str


#: The prior ``p_synthetic`` is calibrated under: the first-stage stacker is fitted with every (data set, label)
#: weighted alike, i.e. a synthetic share of one half.
BASE_PRIOR = 0.5
PRIOR_CLIP = 0.01  # a share of 0 or 1 would make every posterior 0 or 1
PRIOR_STRENGTH = 50  # documents' worth of the corpus share a source's own share is shrunk towards


def with_prior(p: np.ndarray, prior: np.ndarray | float, base: float = BASE_PRIOR) -> np.ndarray:
    """P(synthetic | score, source): ``p`` moved from the prior it was calibrated under (``base``) to the source's
    share (Saerens et al., 2002: the likelihood ratio is unchanged, the prior odds are replaced), the share kept in
    ``[PRIOR_CLIP, 1 - PRIOR_CLIP]``. NaN (not scored, or no prior) stays NaN."""
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-7, 1 - 1e-7)
    prior = np.clip(np.asarray(prior, dtype=np.float64), PRIOR_CLIP, 1 - PRIOR_CLIP)
    shift = np.log(prior / (1 - prior)) - np.log(base / (1 - base))
    return 1.0 / (1.0 + np.exp(-(np.log(p / (1 - p)) + shift)))


def shrunk(source_share: float, scored: int, corpus_share: float, strength: int = PRIOR_STRENGTH) -> float:
    """A source's share as the prior of its documents (empirical Bayes): its estimate from ``scored`` documents
    shrunk towards the corpus's by ``strength`` documents' worth."""
    return (scored * source_share + strength * corpus_share) / (scored + strength)


def coarse_starts(human: np.ndarray, synthetic: np.ndarray) -> np.ndarray:
    """First fine bin of each coarse bin the likelihood is computed on: ``sqrt(n) / 2`` bins (4 to 20, ``n`` the
    smaller reference), each holding an equal share of the two references' pooled mass. Finer bins than the
    references can fill make their densities noise, which biases the share towards 1/2."""
    k = int(np.clip(np.sqrt(min(human.sum(), synthetic.sum())) / 2, 4, 20))
    pooled = np.cumsum(human / human.sum() + synthetic / synthetic.sum())
    starts = np.searchsorted(pooled, pooled[-1] * np.arange(1, k) / k, side="right")
    return np.unique(np.concatenate([[0], starts[starts < len(human)]]))


def density(counts: np.ndarray, pseudo: float = PSEUDO) -> np.ndarray:
    """Probabilities per bin of reference counts smoothed by ``pseudo`` per bin."""
    smoothed = np.asarray(counts, dtype=np.float64) + pseudo
    return smoothed / smoothed.sum()


def loglik(mix: np.ndarray, human: np.ndarray, synthetic: np.ndarray, a: float) -> float:
    """Binned log-likelihood of share ``a``: ``sum_k mix_k log((1 - a) human_k + a synthetic_k)``."""
    return float(mix @ np.log(human + a * (synthetic - human)))


def mle(mix: np.ndarray, human: np.ndarray, synthetic: np.ndarray) -> float:
    """The share in [0, 1] maximising :func:`loglik` (``human``, ``synthetic``: probabilities, all > 0).

    The log-likelihood is concave in ``a``: the end point when its slope there points outwards, else Newton steps
    on the slope kept inside a shrinking bracket of its root (bisection where a step would leave it).
    """
    diff = synthetic - human

    def slope(a: float) -> tuple[float, float]:
        ratio = diff / (human + a * diff)
        return float(mix @ ratio), -float(mix @ ratio**2)

    if slope(0.0)[0] <= 0:
        return 0.0
    if slope(1.0)[0] >= 0:
        return 1.0
    lo, hi, a = 0.0, 1.0, 0.5
    for _ in range(100):
        g, h = slope(a)
        lo, hi = (a, hi) if g > 0 else (lo, a)
        step = a - g / h
        a_next = step if lo <= step <= hi else (lo + hi) / 2
        if a_next == a or hi - lo < 1e-12:
            break
        a = a_next
    return a


def reference_inflation(
    mix: np.ndarray, human: np.ndarray, synthetic: np.ndarray, human_n: int, synthetic_n: int, a: float
) -> float:
    """1 + (the variance the references' sampling adds to the MLE) / (the mixture's own), by the delta method.

    The MLE solves ``sum_k mix_k (S_k - H_k) / q_k = 0`` with ``q = (1 - a) H + a S``; its gradient in ``H`` is
    ``-mix S / q^2`` and in ``S`` ``mix H / q^2`` (over the Fisher information), each reference multinomial with
    covariance ``(diag(P) - P P^T) / n``.
    """
    diff = synthetic - human
    q = human + a * diff
    info = float(mix @ (diff / q) ** 2)
    if info <= 0:
        return 1.0

    def spread(grad: np.ndarray, probabilities: np.ndarray, n: int) -> float:
        return float((grad**2) @ probabilities - (grad @ probabilities) ** 2) / n

    extra = spread(mix * synthetic / q**2, human, human_n) + spread(mix * human / q**2, synthetic, synthetic_n)
    return 1.0 + extra / info


def interval(
    mix: np.ndarray, human: np.ndarray, synthetic: np.ndarray, a: float, cutoff: float
) -> tuple[float, float]:
    """The shares whose log-likelihood is within ``cutoff / 2`` of the maximum at ``a`` (bisection on each side)."""
    top = loglik(mix, human, synthetic, a)

    def outside(b: float) -> bool:
        return 2 * (top - loglik(mix, human, synthetic, b)) > cutoff

    def edge(inner: float, outer: float) -> float:
        if not outside(outer):
            return outer
        for _ in range(50):
            mid = (inner + outer) / 2
            inner, outer = (inner, mid) if outside(mid) else (mid, outer)
        return inner

    return edge(a, 0.0), edge(a, 1.0)


def floor(mix_counts: np.ndarray, human_counts: np.ndarray, alpha: float = 0.05, cuts: int = CUTS) -> float:
    """A lower confidence bound on the synthetic share that needs no synthetic reference.

    Whatever the synthetic part looks like, ``mix(A) >= (1 - a) H(A)`` for every set A, so
    ``a >= 1 - mix(A) / H(A)``. Over ``cuts`` sets ``{p <= t}`` (bin edges evenly spaced), the mixture's share gets
    a Clopper-Pearson upper bound and the human reference's a lower bound, each at ``alpha / (2 * cuts)``; by the
    union bound all hold together with probability ``>= 1 - alpha``, and then the floor is at most the true share
    (provided the mixture's human documents are distributed as the human reference). NaN without documents.

    Raises:
        ValueError: the human reference is empty.
    """
    from scipy.special import betaincinv  # the beta quantile; scipy.stats costs ~50 MB and 0.5 s to import

    m, h = np.asarray(mix_counts, dtype=np.int64), np.asarray(human_counts, dtype=np.int64)
    if not h.sum():
        raise ValueError("the floor needs a human reference: its histogram is empty")
    if not m.sum():
        return float("nan")
    at = np.unique(np.linspace(0, len(m), cuts + 2)[1:-1].astype(int))
    level = alpha / (2 * len(at))
    below_m, below_h = np.cumsum(m)[at - 1], np.cumsum(h)[at - 1]
    m_up = np.where(below_m < m.sum(), betaincinv(below_m + 1, np.maximum(m.sum() - below_m, 1), 1 - level), 1.0)
    h_lo = np.where(below_h > 0, betaincinv(np.maximum(below_h, 1), h.sum() - below_h + 1, level), 0.0)
    bounds = np.where(h_lo > 0, 1.0 - m_up / np.maximum(h_lo, 1e-300), 0.0)
    return float(max(0.0, bounds.max()))


def estimate(
    mix_counts: np.ndarray, human_counts: np.ndarray, synthetic_counts: np.ndarray, alpha: float = 0.05
) -> Share:
    """The synthetic share of a mixture histogram against human and synthetic reference histograms (same bins).

    The share maximises the binned likelihood on coarse bins (:func:`coarse_starts`) with references smoothed by
    ``PSEUDO``; its ``1 - alpha`` interval is the profile-likelihood one with the chi-square cut-off multiplied by
    :func:`reference_inflation`, so that it also covers the references' own sampling error; the floor is
    :func:`floor`. Deterministic. Without mixture documents every figure is NaN.

    Raises:
        ValueError: a reference histogram is empty, or the three differ in length.
    """
    m, h, s = (np.asarray(c, dtype=np.int64) for c in (mix_counts, human_counts, synthetic_counts))
    if not len(m) == len(h) == len(s):
        raise ValueError(f"histograms differ in length: {len(m)}, {len(h)}, {len(s)}")
    if not h.sum() or not s.sum():
        raise ValueError("both reference histograms need documents")
    if not m.sum():
        return Share(*[float("nan")] * 4, documents=0, method=METHOD)
    starts = coarse_starts(h, s)
    cm, ch, cs = (np.add.reduceat(c, starts).astype(np.float64) for c in (m, h, s))
    H, S = density(ch), density(cs)
    a = mle(cm, H, S)
    from scipy.special import chdtri  # the chi-square quantile, without importing scipy.stats

    cutoff = chdtri(1, alpha) * reference_inflation(cm, H, S, int(h.sum()), int(s.sum()), a)
    lo, hi = interval(cm, H, S, a, cutoff)
    return Share(a, lo, hi, floor(m, h, alpha), int(m.sum()), METHOD)
