"""Validation of the synthetic-share estimator (``detectors/share.py``) on mixtures of known share built from the
labelled sets' out-of-fold ``p_synthetic``: error, 95% interval coverage and floor validity per data set, with
references from the same data set, then with the synthetic reference (and then both) taken from the other data sets
only; then the bin layouts, interval methods and floor bounds compared. Prints the markdown tables of
docs/SHARE.md.

A mixture of ``n`` judged English texts holds ``round(share * n)`` synthetic ones; its references are drawn from the
same data set's other groups (a text and its rewrites never sit on both sides). A data set enters a setting when it
has ``ref + n`` human and ``ref + 0.8 n`` synthetic texts.

Usage (after ``synthsieve train``, whose out-of-fold cache it reads):
    python bench/share_validation.py [--draws 20] [--seed 18]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

from synthsieve.detectors import share
from synthsieve_training.data import Columns, load_labeled
from synthsieve_training.train import OOF_FILE, cache_dir

SHARES = (0.0, 0.05, 0.1, 0.3, 0.5, 0.8)
SETTINGS = ((1000, 300), (200, 200))  # (mixture size, size of each reference)
BOOTSTRAP = 200  # replicates of the bootstrap interval compared against the shipped one
CHI2 = float(chi2.ppf(0.95, 1))


@dataclass(frozen=True)
class Pool:
    """A data set's judged English texts (out-of-fold p, group code) by label, and the judged texts of every other
    data set sharing no group with it (the global references of leave-one-out)."""

    human: np.ndarray
    human_group: np.ndarray
    synthetic: np.ndarray
    synthetic_group: np.ndarray
    other_human: np.ndarray
    other_synthetic: np.ndarray


@dataclass(frozen=True)
class Trial:
    """One mixture: its data set, true share and fine histograms (mixture, human and synthetic reference)."""

    dataset: str
    truth: float
    mix: np.ndarray
    human: np.ndarray
    synthetic: np.ndarray


def load_pools() -> dict[str, Pool]:
    """Every data set's pool, from the labelled rows and the first stage's out-of-fold cache."""
    rows = load_labeled()
    cols = Columns(rows)
    saved = np.load(cache_dir() / OOF_FILE)
    if saved["ids"].tolist() != [row["id"] for row in rows]:
        raise SystemExit("the out-of-fold cache is from other data: run `synthsieve train` first")
    p = saved["p"]
    judged = ~np.isnan(p)
    _, group = np.unique(cols.group, return_inverse=True)
    pools = {}
    for name in sorted(set(cols.dataset)):
        here = judged & (cols.dataset == name) & (cols.lang == "en")
        h, s = here & (cols.label == "human"), here & (cols.label == "synthetic")
        apart = judged & (cols.dataset != name) & ~np.isin(group, group[cols.dataset == name])
        other = [p[apart & (cols.label == label)] for label in ("human", "synthetic")]
        pools[name] = Pool(p[h], group[h], p[s], group[s], *other)
    return pools


def draw(pool: Pool, truth: float, n: int, ref: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """(mixture, human reference, synthetic reference) scores: groups go to the reference side with probability
    ``ref / (ref + n)`` (redrawn until both sides have enough texts), then texts are drawn without replacement."""
    k = round(truth * n)
    groups = max(pool.human_group.max(), pool.synthetic_group.max()) + 1
    for _ in range(1000):
        side = rng.random(groups) < ref / (ref + n)
        rh, rs = side[pool.human_group], side[pool.synthetic_group]
        if rh.sum() >= ref and rs.sum() >= ref and (~rh).sum() >= n - k and (~rs).sum() >= k:
            break
    else:
        raise RuntimeError("no group split leaves enough texts on both sides")

    def pick(p: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
        return p[rng.choice(np.flatnonzero(mask), size, replace=False)]

    mix = np.concatenate([pick(pool.human, ~rh, n - k), pick(pool.synthetic, ~rs, k)])
    return mix, pick(pool.human, rh, ref), pick(pool.synthetic, rs, ref)


def trials(
    pools: dict[str, Pool], n: int, ref: int, draws: int, seed: int, lodo: str = "", edges=share.EDGES
) -> Iterator[Trial]:
    """``draws`` mixtures per eligible data set and share. ``lodo``: ``"S"`` takes the synthetic reference from
    the other data sets (all their judged synthetic texts), ``"HS"`` both references."""
    rng = np.random.default_rng(seed)
    for name, pool in pools.items():
        if len(pool.human) < ref + n or len(pool.synthetic) < ref + round(0.8 * n):
            continue
        for truth in SHARES:
            for _ in range(draws):
                mix, human, synthetic = draw(pool, truth, n, ref, rng)
                human = pool.other_human if "H" in lodo else human
                synthetic = pool.other_synthetic if "S" in lodo else synthetic
                yield Trial(name, truth, *(share.histogram(x, edges) for x in (mix, human, synthetic)))


def shipped(t: Trial) -> tuple[float, float, float, float]:
    """(share, lo, hi, floor) as the pipeline computes them."""
    got = share.estimate(t.mix, t.human, t.synthetic)
    return got.share, got.lo, got.hi, got.floor


def fine(t: Trial) -> tuple[float, float, float, float]:
    """The shipped estimator on the fine bins themselves (no coarse bins)."""
    H, S = share.density(t.human), share.density(t.synthetic)
    a = share.mle(t.mix, H, S)
    widen = share.reference_inflation(t.mix, H, S, t.human.sum(), t.synthetic.sum(), a)
    return (a, *share.interval(t.mix, H, S, a, CHI2 * widen), np.nan)


def coarse(t: Trial) -> tuple[np.ndarray, ...]:
    """Mixture counts and smoothed reference densities on the shipped coarse bins."""
    starts = share.coarse_starts(t.human, t.synthetic)
    m, h, s = (np.add.reduceat(c, starts).astype(np.float64) for c in (t.mix, t.human, t.synthetic))
    return m, share.density(h), share.density(s)


def profile_only(t: Trial) -> tuple[float, float, float, float]:
    """Profile-likelihood interval without the references' variance."""
    m, H, S = coarse(t)
    a = share.mle(m, H, S)
    return (a, *share.interval(m, H, S, a, CHI2), np.nan)


def bootstrap(t: Trial) -> tuple[float, float, float, float]:
    """Percentile interval of the MLE over multinomial resamples of the mixture and of both references."""
    rng = np.random.default_rng(0)
    resampled = (rng.multinomial(c.sum(), c / c.sum(), size=BOOTSTRAP) for c in (t.mix, t.human, t.synthetic))
    shares = [share.mle(*coarse(Trial(t.dataset, t.truth, *counts))) for counts in zip(*resampled)]
    return (shipped(t)[0], *np.quantile(shares, [0.025, 0.975]), np.nan)


def dkw_floor(t: Trial) -> tuple[float, float, float, float]:
    """The floor with DKW bands (uniform over every bin edge) instead of Clopper-Pearson bounds at 16 cuts."""
    m, h = t.mix, t.human
    eps_m, eps_h = (np.sqrt(np.log(2 / 0.05) / (2 * c.sum())) for c in (m, h))
    up_m, lo_h = np.cumsum(m)[:-1] / m.sum() + eps_m, np.cumsum(h)[:-1] / h.sum() - eps_h
    return np.nan, np.nan, np.nan, max(0.0, float(np.max(np.where(lo_h > 0, 1 - up_m / np.maximum(lo_h, 1e-9), 0))))


def measure(runs: list[Trial], method: Callable[[Trial], tuple[float, ...]]) -> np.ndarray:
    """Per trial: truth, share, lo, hi, floor."""
    return np.array([(t.truth, *method(t)) for t in runs])


HEADER = "| mixtures | n | MAE | bias | 95% coverage | mean width | mean floor | floor > truth |\n" + "|---" * 8 + "|"


def row(label: str, got: np.ndarray) -> str:
    """A markdown row: count, MAE, bias, coverage, mean width, mean floor, share of floors above the truth."""
    truth, est, lo, hi, fl = got.T
    covered = np.where(np.isnan(lo), np.nan, (lo <= truth + 1e-9) & (truth <= hi + 1e-9))
    cells = [np.mean(np.abs(est - truth)), np.mean(est - truth), np.mean(covered), np.mean(hi - lo), np.mean(fl)]
    cells.append(np.where(np.isnan(fl), np.nan, fl > truth + 1e-9).mean())
    return f"| {label} | {len(got)} | " + " | ".join("–" if np.isnan(c) else f"{c:.3f}" for c in cells) + " |"


def report(title: str, runs: list[Trial], got: np.ndarray) -> None:
    """Per data set, per share and overall."""
    print(f"\n### {title}\n\n{HEADER}")
    names = np.array([t.dataset for t in runs])
    for name in dict.fromkeys(names):
        print(row(name, got[names == name]))
    for truth in SHARES:
        print(row(f"share {truth:g}", got[got[:, 0] == truth]))
    print(row("**all**", got))


def accuracy(pools: dict[str, Pool], draws: int, seed: int) -> None:
    """The shipped estimator with same-data-set references, then with the other data sets' synthetic texts as S,
    then with the other data sets' texts as both references."""
    kinds = {
        "": "Same data set; mixtures of {n}, references of {ref}",
        "S": "Leave one data set out, S global; mixtures of {n}, H of {ref}",
        "HS": "Leave one data set out, H and S global; mixtures of {n}",
    }
    for lodo, title in kinds.items():
        for n, ref in SETTINGS:
            runs = list(trials(pools, n, ref, draws, seed, lodo))
            report(title.format(n=n, ref=ref), runs, measure(runs, shipped))


def comparisons(pools: dict[str, Pool], draws: int, seed: int) -> None:
    """Interval methods by reference size, bin layouts, floor bounds (same data set, mixtures of 1000)."""
    print(f"\n### Interval methods (same data set, mixtures of 1000, {draws} draws)\n\n{HEADER}")
    for ref in (100, 300, 1000):
        runs = list(trials(pools, 1000, ref, draws, seed))
        for label, method in (("profile only", profile_only), ("bootstrap", bootstrap), ("profile + delta", shipped)):
            print(row(f"{label}, references of {ref}", measure(runs, method)))
    print(f"\n### Bin layouts (same data set, mixtures of 1000, references of 300, {draws} draws)\n\n{HEADER}")
    for label, edges in layouts():
        runs = list(trials(pools, 1000, 300, draws, seed, edges=edges))
        print(row(f"{label}, coarse bins", measure(runs, shipped)))
        print(row(f"{label}, fine bins", measure(runs, fine)))
    print(f"\n### Floor bounds (same data set, mixtures of 1000, references of 300, {draws} draws)\n\n{HEADER}")
    runs = list(trials(pools, 1000, 300, draws, seed))
    print(row(f"Clopper-Pearson, {share.CUTS} cuts", measure(runs, shipped)))
    print(row("DKW, every edge", measure(runs, dkw_floor)))


def layouts() -> Iterator[tuple[str, np.ndarray]]:
    """Inner bin edges of the layouts compared: uniform in p, and uniform in logit(p) over [-6, 6]."""
    for bins in (50, 100, 200):
        yield f"uniform p, {bins}", np.linspace(0, 1, bins + 1)[1:-1]
    for bins in (60, 120, 240):
        yield f"uniform logit, {bins}", 1 / (1 + np.exp(-np.linspace(-6, 6, bins + 1)[1:-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=20, help="mixtures per data set and share")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    pools = load_pools()
    accuracy(pools, args.draws, args.seed)
    comparisons(pools, args.draws // 2, args.seed)


if __name__ == "__main__":
    main()
