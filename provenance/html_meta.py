"""Provenance metadata from raw HTML: published and modified dates, generator, IPTC digital source type, title."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from resiliparse.parse.html import DOMNode, HTMLParserException, HTMLTree

# Meta tags holding a publication date, most trusted first; searched in the whole document because microdata
# (itemprop) tags usually sit in the body.
_DATE_META_SELECTORS = (
    'meta[property="article:published_time" i]',
    'meta[name="date" i]',
    'meta[name="pubdate" i]',
    'meta[itemprop="datePublished" i]',
)
# Meta tags holding the date of the page's latest version, most trusted first.
_MODIFIED_META_SELECTORS = (
    'meta[property="article:modified_time" i]',
    'meta[property="og:updated_time" i]',
    'meta[itemprop="dateModified" i]',
)
_SOURCE_TYPE_META_SELECTOR = 'meta[name="digitalsourcetype" i], meta[property$="digitalsourcetype" i]'
_IPTC_PATH = "cv.iptc.org/newscodes/digitalsourcetype/"
_IPTC_URI = re.compile(rf"https?://{re.escape(_IPTC_PATH)}\w+")
# Embedded media carry their own dates and source types, which say nothing about the page's text.
_MEDIA_TYPES = frozenset({"ImageObject", "VideoObject", "AudioObject", "MediaObject", "Photograph", "3DModel"})
_MEDIA_TAGS = frozenset({"img", "picture", "source", "video", "audio", "figure", "svg", "image"})
_MEDIA_PROPERTY = re.compile(r"image|video|audio", re.IGNORECASE)


@dataclass(frozen=True)
class HtmlMeta:
    """Provenance fields of one HTML page as raw strings; None where the page has none.

    Attributes:
        published_date: Unparsed publication date (see ``dates.parse_date``).
        modified_date: Unparsed date of the latest modification.
        generator: ``<meta name="generator">`` contents; several tags are joined with ``"; "``.
        digital_source_type: IPTC digital source type as written: a term, an IPTC URI or a schema.org name.
        title: Document title.
    """

    published_date: str | None = None
    modified_date: str | None = None
    generator: str | None = None
    digital_source_type: str | None = None
    title: str | None = None


def parse_html_meta(html: str, tree: HTMLTree | None = None) -> HtmlMeta:
    """Extracts provenance metadata from an HTML page; never raises on malformed HTML or JSON-LD.

    Published date, first hit wins: ``article:published_time``, ``<meta name="date">``, ``<meta name="pubdate">``,
    ``<meta itemprop="datePublished">``, JSON-LD ``datePublished`` (top level, top-level lists and ``@graph``), then
    ``<time datetime>`` inside ``<article>``. Modified date, likewise: ``article:modified_time``, ``og:updated_time``,
    ``<meta itemprop="dateModified">``, then JSON-LD ``dateModified``. Digital source type: JSON-LD
    ``digitalSourceType``, then ``digitalsourcetype`` meta tags, then any attribute holding an IPTC
    digital-source-type URI. Metadata of embedded media (JSON-LD ImageObject, ``<img>``, ``og:image:*``) is skipped:
    it describes the media, not the text.

    Args:
        html: The decoded HTML document.
        tree: ``html`` already parsed, if it is (saves a second parse).

    Returns:
        The extracted fields.
    """
    try:
        tree = tree if tree is not None else HTMLTree.parse(html)
    except UnicodeEncodeError:  # Lone surrogates, e.g. from bytes decoded with errors="surrogateescape".
        tree = HTMLTree.parse(html.encode("utf-8", "replace").decode("utf-8"))
    except HTMLParserException:
        return HtmlMeta()
    document = tree.document
    json_ld = list(_json_ld_nodes(document))
    return HtmlMeta(
        published_date=_published_date(document, json_ld),
        modified_date=_first_meta(document, _MODIFIED_META_SELECTORS) or _first_json_ld_value(json_ld, "dateModified"),
        generator=_generator(document),
        digital_source_type=_digital_source_type(document, json_ld, html),
        title=tree.title or None,
    )


def _published_date(document: DOMNode, json_ld: list[dict]) -> str | None:
    return (
        _first_meta(document, _DATE_META_SELECTORS)
        or _first_json_ld_value(json_ld, "datePublished")
        or _first_attr(document, "article time[datetime]", "datetime")
    )


def _first_meta(document: DOMNode, selectors: tuple[str, ...]) -> str | None:
    """The content of the first tag that matches a selector and has one, trying the selectors in order."""
    return next((value for selector in selectors if (value := _first_attr(document, selector, "content"))), None)


def _generator(document: DOMNode) -> str | None:
    contents = (element.getattr("content", "").strip() for element in _select(document, 'meta[name="generator" i]'))
    return "; ".join(dict.fromkeys(content for content in contents if content)) or None


def _digital_source_type(document: DOMNode, json_ld: list[dict], html: str) -> str | None:
    if value := _first_json_ld_value(json_ld, "digitalSourceType"):
        return value
    for element in _select(document, _SOURCE_TYPE_META_SELECTOR):
        if not _describes_media(element) and (value := element.getattr("content", "").strip()):
            return value
    if _IPTC_PATH not in html:  # Cheap pre-check before walking every element's attributes.
        return None
    for element in _select(document, "*"):
        if _describes_media(element):
            continue
        for name in element.attrs:
            if match := _IPTC_URI.search(element.getattr(name, "")):
                return match.group()
    return None


def _select(document: DOMNode, selector: str) -> list[DOMNode]:
    # Resiliparse 2.0.1 rebuilds the whole result list on every collection index, so iterating a collection directly
    # is quadratic (800 matches take seconds); values() materialises it once.
    return document.query_selector_all(selector).values()


def _describes_media(element: DOMNode) -> bool:
    return element.tag in _MEDIA_TAGS or bool(_MEDIA_PROPERTY.search(element.getattr("property", "")))


def _first_attr(document: DOMNode, selector: str, attr: str) -> str | None:
    for element in _select(document, selector):
        if value := element.getattr(attr, "").strip():
            return value
    return None


def _json_ld_nodes(document: DOMNode) -> Iterator[dict]:
    """Yields the non-media JSON-LD objects at top level, in top-level lists and in ``@graph`` lists."""
    for script in _select(document, 'script[type*="ld+json" i]'):
        text = script.text.strip().removeprefix("<!--").removesuffix("-->")
        try:
            data = json.loads(text, strict=False)  # strict=False: raw newlines inside strings are common.
        except (ValueError, RecursionError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            graph = item.get("@graph")
            for node in [item, *graph] if isinstance(graph, list) else [item]:
                if isinstance(node, dict) and not _is_media_node(node):
                    yield node


def _is_media_node(node: dict) -> bool:
    types = node.get("@type")
    return any(
        kind in _MEDIA_TYPES for kind in (types if isinstance(types, list) else [types]) if isinstance(kind, str)
    )


def _first_json_ld_value(nodes: list[dict], key: str) -> str | None:
    for node in nodes:
        if value := _json_ld_text(node.get(key)):
            return value
    return None


def _json_ld_text(value: object) -> str | None:
    """Reads a JSON-LD value written as a string, a ``{"@value"|"@id": ...}`` object, or a list of those."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("@id")
    return (value.strip() or None) if isinstance(value, str) else None
