import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthsieve.provenance.html_meta import HtmlMeta, parse_html_meta

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def _page(head: str = "", body: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def _json_ld(payload: str) -> str:
    return f'<script type="application/ld+json">{payload}</script>'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (_page('<meta property="article:published_time" content=" 2023-01-02T03:04:05Z ">'), "2023-01-02T03:04:05Z"),
        (_page('<meta name="date" content="2020-05-06">'), "2020-05-06"),
        (_page('<META NAME="Date" CONTENT="2020-05-06">'), "2020-05-06"),
        (_page('<meta name="pubdate" content="20200506">'), "20200506"),
        (_page(body='<span><meta itemprop="datePublished" content="2019-01-01"></span>'), "2019-01-01"),
        (_page(_json_ld('{"@type": "NewsArticle", "datePublished": "2018-02-03"}')), "2018-02-03"),
        (_page(_json_ld('[{"@type": "WebSite"}, {"@type": "Article", "datePublished": "2018-02-04"}]')), "2018-02-04"),
        (
            _page(_json_ld('{"@graph": [{"@type": "WebPage"}, {"@type": "Article", "datePublished": "2018-02-05"}]}')),
            "2018-02-05",
        ),
        (_page(_json_ld('{"datePublished": {"@value": "2018-02-06", "@type": "Date"}}')), "2018-02-06"),
        (_page(body='<article><p><time datetime="2017-07-07">July 7</time></p></article>'), "2017-07-07"),
    ],
)
def test_published_date_sources(html, expected):
    assert parse_html_meta(html).published_date == expected


def test_published_date_priority():
    html = _page(
        '<meta name="pubdate" content="2003-03-03"><meta name="date" content="2002-02-02">'
        + _json_ld('{"datePublished": "2004-04-04"}')
        + '<meta property="article:published_time" content="2001-01-01">',
        '<article><time datetime="2005-05-05"></time></article>',
    )
    assert parse_html_meta(html).published_date == "2001-01-01"
    assert (
        parse_html_meta(
            _page(
                _json_ld('{"datePublished": "2004-04-04"}'), '<article><time datetime="2005-05-05"></time></article>'
            )
        ).published_date
        == "2004-04-04"
    )


def test_empty_and_non_article_dates_are_ignored():
    html = _page(
        '<meta name="date" content="  ">', '<time datetime="2010-01-01"></time><article><time></time></article>'
    )
    assert parse_html_meta(html).published_date is None


def test_json_ld_image_object_is_not_the_text():
    graph = (
        '{"@graph": [{"@type": "ImageObject", "datePublished": "1999-09-09", "digitalSourceType": "'
        + IPTC
        + 'trainedAlgorithmicMedia"}, {"@type": ["Article", "BlogPosting"], "datePublished": "2023-03-03"}]}'
    )
    meta = parse_html_meta(_page(_json_ld(graph)))
    assert meta.published_date == "2023-03-03"
    assert meta.digital_source_type is None


@pytest.mark.parametrize(
    "payload",
    [
        '{"datePublished": "2020-01-01",}',
        "{not json",
        "",
        "[" * 50_000,
        '"just a string"',
        "[1, null, [2]]",
        '{"@graph": "oops", "@type": [{"x": 1}]}',
        '{"datePublished": 20200101}',
    ],
)
def test_malformed_json_ld_is_ignored(payload):
    html = _page(_json_ld(payload) + _json_ld('{"datePublished": "2021-12-12"}'))
    assert parse_html_meta(html).published_date == "2021-12-12"


def test_json_ld_tolerates_comment_wrapper_and_raw_newlines():
    html = _page(
        '<script type="application/ld+json; charset=utf-8"><!--\n{"datePublished": "2016-06-06", '
        '"headline": "two\nlines"}\n--></script>'
    )
    assert parse_html_meta(html).published_date == "2016-06-06"


def test_generator():
    html = _page(
        '<meta name="Generator" content="WordPress 6.4.2"><meta name="generator" content=" Elementor 3.18 ">'
        '<meta name="generator" content="WordPress 6.4.2"><meta name="generator" content="">'
    )
    assert parse_html_meta(html).generator == "WordPress 6.4.2; Elementor 3.18"
    assert parse_html_meta(_page("<title>x</title>")).generator is None


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            _page(_json_ld('{"@type": "Article", "digitalSourceType": "' + IPTC + 'trainedAlgorithmicMedia"}')),
            IPTC + "trainedAlgorithmicMedia",
        ),
        (
            _page(
                _json_ld('{"digitalSourceType": {"@id": "https://schema.org/TrainedAlgorithmicMediaDigitalSource"}}')
            ),
            "https://schema.org/TrainedAlgorithmicMediaDigitalSource",
        ),
        (_page('<meta name="DigitalSourceType" content="trainedAlgorithmicMedia">'), "trainedAlgorithmicMedia"),
        (_page('<meta property="iptc:digitalSourceType" content="compositeSynthetic">'), "compositeSynthetic"),
        (
            _page(body=f'<div data-source="see {IPTC}compositeWithTrainedAlgorithmicMedia">x</div>'),
            IPTC + "compositeWithTrainedAlgorithmicMedia",
        ),
    ],
)
def test_digital_source_type(html, expected):
    assert parse_html_meta(html).digital_source_type == expected


@pytest.mark.parametrize(
    "html",
    [
        _page(body=f'<img src="a.png" data-dst="{IPTC}trainedAlgorithmicMedia">'),
        _page(f'<meta property="og:image:digitalSourceType" content="{IPTC}trainedAlgorithmicMedia">'),
        _page(body=f"<p>The IPTC term {IPTC}trainedAlgorithmicMedia marks AI images.</p>"),
    ],
)
def test_media_and_prose_source_types_are_ignored(html):
    assert parse_html_meta(html).digital_source_type is None


def test_title():
    assert parse_html_meta(_page("<title>  Hello &amp; welcome </title>")).title == "Hello & welcome"
    assert parse_html_meta(_page("<title> </title>", "<svg><title>icon</title></svg>")).title is None


@pytest.mark.parametrize("html", ["", "\x00\xff", "<", "<<<>>>" * 1000, "<div>" * 100_000, "\ud800<title>t</title>"])
def test_garbage_does_not_raise(html):
    assert isinstance(parse_html_meta(html), HtmlMeta)


def test_html_meta_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_html_meta("").title = "x"


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("<>/=\"'{}[]:@ metascriptldjson+aidbhe\n")) | st.characters(), max_size=300)
)
def test_never_raises(text):
    for html in (text, _page(_json_ld(text) + f'<meta name="date" content="{text}">', f"<article>{text}</article>")):
        assert isinstance(parse_html_meta(html), HtmlMeta)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (_page('<meta property="article:modified_time" content="2024-01-02T03:04:05Z">'), "2024-01-02T03:04:05Z"),
        (_page('<meta property="og:updated_time" content="2024-02-03">'), "2024-02-03"),
        (_page(body='<span><meta itemprop="dateModified" content="2024-03-04"></span>'), "2024-03-04"),
        (
            _page(_json_ld('{"@type": "Article", "datePublished": "2016-01-01", "dateModified": "2024-04-05"}')),
            "2024-04-05",
        ),
        (_page(_json_ld('{"@graph": [{"@type": "ImageObject", "dateModified": "2024-05-06"}]}')), None),
        (_page('<meta property="article:published_time" content="2016-01-01">'), None),
    ],
)
def test_modified_date_sources(html, expected):
    assert parse_html_meta(html).modified_date == expected
