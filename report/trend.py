"""Synthetic share and diversity of the human partition per crawl month, over several runs.

The diversity of a month is taken on a fixed number of words of its human text (the first documents by content
hash), so a month's figures do not change when later runs are added; a month with fewer words has none.
"""

from __future__ import annotations

from typing import Any

from synthsieve.report.diversity import Tokens, profile, tokenize
from synthsieve.report.output_folder import MONTH, OutputFolder

FETCH_FACTOR = 2  # whitespace words fetched per word needed: tokens and whitespace words differ a little


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
