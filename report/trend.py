"""Synthetic share and diversity of the human partition per crawl month, over several runs.

The diversity of a month is taken on a fixed number of words of its human text (the first documents by content
hash), so a month's figures do not change when later runs are added; a month with fewer words has none.
"""

from __future__ import annotations

from typing import Any

from synthsieve.report.diversity import Tokens, profile, tokenize
from synthsieve.report.output_folder import MONTH, OutputFolder

FETCH_FACTOR = 2  # whitespace words fetched per word needed: tokens and whitespace words differ a little
TICK_STEPS = (1, 2, 3, 6, 12, 24, 36, 60, 120)  # months between labelled ticks of the time axis
MAX_TICKS = 6  # labels of about seven characters that fit side by side under a chart


def trend(folders: list[OutputFolder], known_human: Tokens | None, words: int) -> dict[str, Any]:
    """One point per run and crawl month, runs in the order given; the known-human text's measures at the same
    size."""
    points = [_point(folder, row, words) for folder in folders for row in folder.breakdown(MONTH, by_key=True)]
    enough = known_human is not None and len(known_human) >= words
    return {
        "words": words,
        "runs": [str(f.path) for f in folders],
        "points": points,
        "known_human": profile(known_human, words) if enough else None,
    }


def _point(folder: OutputFolder, row: dict[str, Any], words: int) -> dict[str, Any]:
    tokens = tokenize(folder.sample("human", month=row["key"], max_words=FETCH_FACTOR * words))
    total = row["total"]
    return {
        "run": str(folder.path),
        "month": row["key"],
        "documents": total,
        "synthetic_share": row["synthetic"] / total,
        "human_share": row["human"] / total,
        "human_words": min(len(tokens), words),
        "measures": profile(tokens, words) if len(tokens) >= words else None,
    }


def month_number(month: str) -> int:
    """Months since January of year 0 of a ``YYYY-MM`` crawl month: an x axis proportional to time."""
    year, number = month.split("-")
    return 12 * int(year) + int(number) - 1


def month_ticks(first: int, last: int) -> list[tuple[float, str]]:
    """At most ``MAX_TICKS`` labelled ticks from month number ``first`` to ``last``, a whole step of months apart and
    aligned on it (every third month: January, April...); years alone when the step is a year or more."""
    step = next((s for s in TICK_STEPS if (last - first) // s < MAX_TICKS), TICK_STEPS[-1])
    start = -(-first // step) * step
    return [(float(m), _month_label(m, year_only=step >= 12)) for m in range(start, last + 1, step)]


def _month_label(number: int, year_only: bool) -> str:
    return f"{number // 12}" if year_only else f"{number // 12}-{number % 12 + 1:02d}"
