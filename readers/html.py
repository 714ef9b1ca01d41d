"""Main-text extraction from HTML bodies (resiliparse), within the configured markup limits."""

from __future__ import annotations

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree

from synthsieve.provenance.html_meta import HtmlMeta, parse_html_meta
from synthsieve.readers.html_guard import HtmlRejected, check_markup, dom_deeper_than

DEFAULT_MAX_DEPTH = 512
DEFAULT_MAX_ATTRIBUTES = 1_000


def html_to_text(
    body: bytes, max_depth: int = DEFAULT_MAX_DEPTH, max_attributes: int = DEFAULT_MAX_ATTRIBUTES
) -> tuple[str, HtmlMeta]:
    """Decodes an HTML body (detected encoding) and returns its main text and its head metadata.

    Raises:
        HtmlRejected: the markup is over a limit (``html_too_deep``, ``html_too_many_attributes``).
    """
    check_markup(body, max_depth, max_attributes)
    html = bytes_to_str(body, detect_encoding(body))
    try:
        tree = HTMLTree.parse(html)
    except UnicodeEncodeError:  # lone surrogates from the decoder
        html = html.encode("utf-8", "replace").decode("utf-8")
        tree = HTMLTree.parse(html)
    if dom_deeper_than(tree, max_depth):
        raise HtmlRejected("html_too_deep", f"elements nested more than {max_depth} deep")
    meta = parse_html_meta(html, tree)
    text = extract_plain_text(tree, main_content=True, alt_texts=False, links=False, list_bullets=True)
    return text.strip(), meta
