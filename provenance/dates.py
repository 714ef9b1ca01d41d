"""Date parsing and the pre-LLM / LLM era split used to judge how likely a document is machine-written."""

from __future__ import annotations

import math
import numbers
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

# Public release of ChatGPT: the first day on which LLM-written text could spread at web scale.
LLM_ERA_START = date(2022, 11, 30)
_LLM_ERA_START_DT = datetime(LLM_ERA_START.year, LLM_ERA_START.month, LLM_ERA_START.day, tzinfo=UTC)
_MIN_YEAR, _MAX_YEAR = 1990, 2100
# A unix timestamp above this many seconds (year 5138) can only be in milliseconds.
_MS_THRESHOLD = 1e11


def parse_date(value: object) -> datetime | None:
    """Parses a date from the formats found in crawl metadata and HTML.

    Accepts ISO 8601 strings (date-only, with ``Z`` or an offset; WARC-Date is ISO 8601), RFC 1123 / RFC 850 / asctime
    HTTP dates, unix timestamps in seconds or milliseconds (above 1e11), and ``datetime`` / ``date`` objects. Naive
    values are taken as UTC.

    Args:
        value: The raw value.

    Returns:
        A timezone-aware UTC datetime, or None for unparseable values and years outside 1990-2100.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        parsed = _from_timestamp(float(value))
    elif isinstance(value, str):
        parsed = _from_string(value.strip())
    else:
        return None
    if parsed is None:
        return None
    try:
        parsed = _as_utc(parsed)
    except OverflowError:  # e.g. 9999-12-31T23:59-14:00 shifted past datetime.max
        return None
    return parsed if _MIN_YEAR <= parsed.year <= _MAX_YEAR else None


def best_date(published: object, crawl: object, *modified: object) -> datetime | None:
    """Returns the best estimate of when the text as fetched was written: its latest known date.

    The latest of the published and modified dates is used when there is one, unless it is later than the crawl
    date: a page cannot have been written after it was fetched, so the crawl date is an upper bound on the writing
    date and wins over such a bogus claim. A page published in 2016 and modified in 2024 dates from 2024.

    Args:
        published: The claimed publication date, in any form ``parse_date`` accepts.
        crawl: The crawl (fetch) date, in any form ``parse_date`` accepts.
        *modified: Claimed dates of later versions (``dateModified``, HTTP ``Last-Modified``), in the same forms.

    Returns:
        A UTC datetime, or None when no value parses.
    """
    claimed = max(filter(None, map(parse_date, (published, *modified))), default=None)
    crawl_dt = parse_date(crawl)
    if claimed is None or crawl_dt is None:
        return claimed or crawl_dt
    return min(claimed, crawl_dt)


def era(best: datetime | None) -> str:
    """Classifies a writing date relative to ``LLM_ERA_START`` (2022-11-30 UTC).

    Callers pass ``best_date(published, crawl, *modified)``, so the era comes from the latest published or modified
    date when there is one (any known version on or after 2022-11-30 makes it ``llm``) and from the crawl date
    otherwise. The crawl date alone is conclusive for ``pre_llm``: the text existed when it was fetched, so a fetch
    before 2022-11-30 proves it predates LLM writing at scale. A later crawl date without a
    published date is only an upper bound, so downstream should read ``llm`` as "possibly LLM-era".

    Args:
        best: The writing date; naive datetimes are taken as UTC.

    Returns:
        ``"pre_llm"`` before 2022-11-30 UTC, ``"llm"`` on or after it, ``"unknown"`` for None.
    """
    if best is None:
        return "unknown"
    return "pre_llm" if _as_utc(best) < _LLM_ERA_START_DT else "llm"


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _from_timestamp(seconds: float) -> datetime | None:
    if not math.isfinite(seconds):
        return None
    if abs(seconds) > _MS_THRESHOLD:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_string(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
