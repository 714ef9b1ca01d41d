"""Does the source prior label more documents at the same false-positive rate? Mixtures of known share built from
the labelled sets' out-of-fold ``p_synthetic`` (as ``bench/share_validation.py``), each decided twice at the global
thresholds: on ``p_synthetic`` (today's decision) and on the posterior with the source's estimated share as prior
(``detectors/share.py:with_prior``). Prints, per true share and pooled: humans labelled synthetic, synthetic texts
labelled human, synthetic texts caught and documents decided (not ``uncertain``). Markdown, for docs/SHARE.md.

Usage (after ``synthsieve train``, whose out-of-fold cache it reads):
    python bench/source_prior.py [--draws 10] [--seed 18]
"""

from __future__ import annotations

import argparse

import numpy as np
from share_validation import SHARES, draw, load_pools

from synthsieve.config import DecisionConfig
from synthsieve.detectors import share

THRESHOLDS = DecisionConfig()
SETTINGS = {"same-source references": "", "shipped references only": "HS"}


def decided(p: np.ndarray, synthetic: np.ndarray) -> np.ndarray:
    """Per mixture: humans labelled synthetic, humans, synthetic labelled human, synthetic caught, synthetic,
    documents decided."""
    syn, hum = p >= THRESHOLDS.synthetic_threshold, p <= THRESHOLDS.human_threshold
    return np.array(
        [(syn & ~synthetic).sum(), (~synthetic).sum(), (hum & synthetic).sum(), (syn & synthetic).sum(),
         synthetic.sum(), (syn | hum).sum()]
    )  # fmt: skip


def run(draws: int, seed: int, lodo: str, n: int = 1000, ref: int = 300) -> dict[float, np.ndarray]:
    """Summed counts per true share: (baseline counts, prior counts) stacked."""
    rng, pools, out = np.random.default_rng(seed), load_pools(), {}
    for pool in pools.values():
        if len(pool.human) < ref + n or len(pool.synthetic) < ref + round(0.8 * n):
            continue
        for truth in SHARES:
            for _ in range(draws):
                mix, human, synthetic = draw(pool, truth, n, ref, rng)
                h, s = (pool.other_human, pool.other_synthetic) if lodo else (human, synthetic)
                estimate = share.estimate(share.histogram(mix), share.histogram(h), share.histogram(s))
                is_synthetic = np.arange(n) >= n - round(truth * n)
                posterior = share.with_prior(mix, estimate.share)
                counts = np.stack([decided(mix, is_synthetic), decided(posterior, is_synthetic)])
                out[truth] = out.get(truth, 0) + counts
    return out


def table(counts: dict[float, np.ndarray]) -> str:
    lines = [
        "| true share | decision | humans → synthetic | synthetic → human | synthetic caught | decided |",
        "|---|---|---|---|---|---|",
    ]
    rows = [*((f"{t:.0%}", c) for t, c in sorted(counts.items())), ("all", sum(counts.values()))]
    for name, c in rows:
        for label, (fp, h, fn, tp, s, d) in zip(("p_synthetic", "with source prior"), c):
            ratio = lambda a, b: f"{a / b:.2%}" if b else "—"  # noqa: E731
            lines.append(
                f"| {name} | {label} | {ratio(fp, h)} | {ratio(fn, s)} | {ratio(tp, s)} | {ratio(d, h + s)} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=10)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    for name, lodo in SETTINGS.items():
        print(f"\n#### {name} (mixtures of 1000, {args.draws} draws per data set and share)\n")
        print(table(run(args.draws, args.seed, lodo)))


if __name__ == "__main__":
    main()
