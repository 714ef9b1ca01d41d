from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest

from synthsieve.provenance.dates import LLM_ERA_START, best_date, era, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05-04", datetime(2023, 5, 4, tzinfo=UTC)),
        ("2023-05-04T10:20:30", datetime(2023, 5, 4, 10, 20, 30, tzinfo=UTC)),
        ("2023-05-04T10:20:30Z", datetime(2023, 5, 4, 10, 20, 30, tzinfo=UTC)),
        ("2023-05-04T10:20:30.250Z", datetime(2023, 5, 4, 10, 20, 30, 250000, tzinfo=UTC)),
        ("2023-05-04T10:20:30+02:00", datetime(2023, 5, 4, 8, 20, 30, tzinfo=UTC)),
        ("2023-05-04T10:20:30-0500", datetime(2023, 5, 4, 15, 20, 30, tzinfo=UTC)),
        ("2023-05-04 10:20", datetime(2023, 5, 4, 10, 20, tzinfo=UTC)),
        ("  2023-05-04T00:30:00+01:00\n", datetime(2023, 5, 3, 23, 30, tzinfo=UTC)),
        # WARC-Date.
        ("2021-03-04T05:06:07Z", datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)),
        # HTTP dates: RFC 1123, RFC 850, asctime.
        ("Tue, 15 Nov 1994 08:12:31 GMT", datetime(1994, 11, 15, 8, 12, 31, tzinfo=UTC)),
        ("Tuesday, 15-Nov-94 08:12:31 GMT", datetime(1994, 11, 15, 8, 12, 31, tzinfo=UTC)),
        ("Tue Nov 15 08:12:31 1994", datetime(1994, 11, 15, 8, 12, 31, tzinfo=UTC)),
        ("Wed, 30 Nov 2022 01:00:00 +0100", datetime(2022, 11, 30, tzinfo=UTC)),
        # Unix timestamps, seconds and milliseconds.
        (1700000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (1700000000.5, datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)),
        (1700000000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (np.int64(1700000000), datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        # Objects.
        (date(2020, 2, 29), datetime(2020, 2, 29, tzinfo=UTC)),
        (datetime(2020, 2, 29, 12), datetime(2020, 2, 29, 12, tzinfo=UTC)),
        (datetime(2020, 2, 29, 12, tzinfo=timezone(timedelta(hours=-3))), datetime(2020, 2, 29, 15, tzinfo=UTC)),
    ],
)
def test_parse_date(value, expected):
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "yesterday",
        "2023-02-30",
        "Mon, 32 Nov 1994 08:12:31 GMT",
        "1989-12-31",
        "2101-01-01",
        "9999-12-31T23:59:59-14:00",
        0,
        -1,
        True,
        float("nan"),
        float("inf"),
        1e300,
        [2023, 1, 1],
        b"2023-01-01",
    ],
)
def test_parse_date_rejects(value):
    assert parse_date(value) is None


def test_llm_era_start():
    assert date(2022, 11, 30) == LLM_ERA_START


@pytest.mark.parametrize(
    ("best", "expected"),
    [
        (datetime(2022, 11, 29, 23, 59, 59, tzinfo=UTC), "pre_llm"),
        (datetime(2022, 11, 30, tzinfo=UTC), "llm"),
        (datetime(2022, 11, 30, 0, 30, tzinfo=timezone(timedelta(hours=1))), "pre_llm"),  # 2022-11-29T23:30Z
        (datetime(2022, 11, 30), "llm"),  # naive is UTC
        (datetime(2024, 1, 1, tzinfo=UTC), "llm"),
        (None, "unknown"),
    ],
)
def test_era(best, expected):
    assert era(best) == expected


@pytest.mark.parametrize(
    ("published", "crawl", "expected"),
    [
        ("2021-06-01", "2024-01-01T00:00:00Z", datetime(2021, 6, 1, tzinfo=UTC)),
        (None, "2021-06-01T00:00:00Z", datetime(2021, 6, 1, tzinfo=UTC)),
        ("not a date", 1622505600, datetime(2021, 6, 1, tzinfo=UTC)),
        ("2021-06-01", None, datetime(2021, 6, 1, tzinfo=UTC)),
        # A published date after the crawl is impossible; the crawl date is the upper bound.
        ("2025-01-01", "2021-06-01T00:00:00Z", datetime(2021, 6, 1, tzinfo=UTC)),
        (None, None, None),
    ],
)
def test_best_date(published, crawl, expected):
    assert best_date(published, crawl) == expected


def test_crawl_date_alone_decides_pre_llm():
    assert era(best_date(None, "Tue, 29 Nov 2022 23:59:59 GMT")) == "pre_llm"
    assert era(best_date("2023-06-01", "2022-11-29T12:00:00Z")) == "pre_llm"
    assert era(best_date("2021-01-01", "2023-06-01T00:00:00Z")) == "pre_llm"
    assert era(best_date(None, "2022-11-30T00:00:00Z")) == "llm"


@pytest.mark.parametrize(
    ("published", "crawl", "modified", "expected"),
    [
        ("2016-05-01", "2024-06-01T00:00:00Z", ["2024-01-15T10:00:00+00:00"], "llm"),  # JSON-LD dateModified
        ("2016-05-01", "2024-06-01T00:00:00Z", [None, "Mon, 15 Jan 2024 10:00:00 GMT"], "llm"),  # HTTP Last-Modified
        ("2016-05-01", "2024-06-01T00:00:00Z", [None, None], "pre_llm"),
        ("2016-05-01", "2024-06-01T00:00:00Z", ["2019-02-02", "not a date"], "pre_llm"),
        # A modification later than the crawl is as bogus as a later publication: the crawl date caps it.
        ("2016-05-01", "2021-06-01T00:00:00Z", ["2025-01-01"], "pre_llm"),
        (None, None, ["2023-01-01"], "llm"),
    ],
)
def test_any_later_version_on_or_after_the_llm_era_makes_it_llm(published, crawl, modified, expected):
    assert era(best_date(published, crawl, *modified)) == expected


def test_modified_after_the_crawl_is_capped_by_the_crawl_date():
    crawl = datetime(2021, 6, 1, tzinfo=UTC)
    assert best_date("2016-05-01", crawl, "2025-01-01") == crawl
    assert best_date("2016-05-01", crawl, "2019-02-02") == datetime(2019, 2, 2, tzinfo=UTC)
