"""Main-text extraction from HTML bodies (resiliparse)."""

from __future__ import annotations

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding

from synthsieve.provenance.html_meta import HtmlMeta, parse_html_meta


def html_to_text(body: bytes) -> tuple[str, HtmlMeta]:
    """Decodes an HTML body (detected encoding) and returns its main text and its head metadata."""
    html = bytes_to_str(body, detect_encoding(body))
    text = extract_plain_text(html, main_content=True, alt_texts=False, links=False, list_bullets=True)
    return text.strip(), parse_html_meta(html)
