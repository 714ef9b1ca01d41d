"""HTML extraction limits: parser bombs are rejected with their reason; sloppy but ordinary pages are not."""

import pytest

from synthsieve.readers.html import html_to_text
from synthsieve.readers.html_guard import HtmlRejected, nests_deeper_than

from builders import HUMAN_TEXT, page

BOMBS = {
    "balanced nesting": ("<div>" * 20_000 + "x" + "</div>" * 20_000, "html_too_deep"),
    "unclosed nesting": ("<div>x" * 20_000, "html_too_deep"),
    "unclosed formatting": ("<b><i><u><s><em><strong><small><big><tt><code><font><a>x" * 5_000, "html_too_deep"),
    "misnested links": ("<font><a href=x>" * 20_000 + "x", "html_too_deep"),
    "attributes": ("<div " + " ".join(f"a{i}='v'" for i in range(20_000)) + ">x</div>", "html_too_many_attributes"),
    "bare attributes": ("<div " + " ".join(f"a{i}" for i in range(20_000)) + ">x</div>", "html_too_many_attributes"),
}


@pytest.mark.parametrize("name", BOMBS)
def test_parser_bombs_are_rejected_with_their_reason(name):
    markup, reason = BOMBS[name]
    with pytest.raises(HtmlRejected) as info:
        html_to_text(f"<html><body>{markup}</body></html>".encode())
    assert info.value.reason == reason


def test_depth_limit_counts_every_element_from_the_root():
    def nested(n: int) -> bytes:  # html > body > n divs
        return ("<html><body>" + "<div>" * n + "deep" + "</div>" * n + "</body></html>").encode()

    assert html_to_text(nested(18), max_depth=20)[0] == "deep"
    with pytest.raises(HtmlRejected, match="more than 20 deep"):
        html_to_text(nested(19), max_depth=20)


SLOPPY = {
    "unclosed spans in closed divs": "<div><span>text</div>" * 3_000,
    "svg of self-closing paths": "<svg>" + "<path d='M 1 2 L 3 4'/>" * 3_000 + "</svg><p>text</p>",
    "unclosed paragraphs, items, cells": "<p>para <ul><li>item</ul><table><tr><td>a<td>b</table>" * 2_000,
    "a large inline image": "<img src='data:image/png;base64," + "QUJD" * 200_000 + "=='><p>text</p>",
    "a long SVG path": "<svg><path d='" + "L 1 2 " * 50_000 + "'/></svg><p>text</p>",
}


@pytest.mark.parametrize("name", SLOPPY)
def test_sloppy_ordinary_pages_are_extracted(name):
    text, _ = html_to_text(f"<html><body>{SLOPPY[name]}</body></html>".encode())
    assert "text" in text or "para" in text


def test_the_pre_parse_estimate_follows_implied_end_tags():
    assert not nests_deeper_than(b"<div><span>x</div>" * 1_000, 10)
    assert not nests_deeper_than(b"<svg>" + b"<g/>" * 1_000 + b"</svg>", 10)
    assert nests_deeper_than(b"<div/>" * 11, 10)  # outside svg/math, <div/> opens a div
    assert nests_deeper_than(b"<section><b>" * 6, 10)


def test_ordinary_page_text_and_metadata():
    text, meta = html_to_text(page(HUMAN_TEXT, '<meta name="generator" content="WordPress 6.4">').encode())
    assert text.startswith("ok so i finally fixed") and "Home" not in text
    assert meta.generator == "WordPress 6.4"
