"""The sample crawl: pages as HTML, written to a WARC/1.1 file with one gzip member per record.

Everything is derived from the texts and fixed constants (uuid5 record ids, fixed crawl times, gzip mtime 0), so
the file is byte-for-byte the same on every run.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import struct
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

CRAWL_START = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
HTML_TYPE = "text/html; charset=utf-8"
AI_GENERATORS = {"time-management": "ChatGPT", "climate-farming": "AI Writer Pro"}
IPTC_KEY = "riverton-council"
TRAINED_ALGORITHMIC = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
PNG_URL = "https://www.millbrook-gazette.co.uk/images/station-road-meters.png"
EMPTY_URL = "https://gigdiary.wordpress.com/2016/10/16/setlist/"
NAV = (("Home", "/"), ("News", "/news/"), ("Community", "/community/"), ("About", "/about/"), ("Contact", "/contact/"))


def write_warc(path: Path, docs: list[dict]) -> None:
    """Writes ``docs`` as crawled pages to ``path``, each WARC record its own gzip member."""
    path.write_bytes(b"".join(gzip.compress(record, mtime=0) for record in warc_records(docs)))


def warc_records(docs: list[dict]) -> list[bytes]:
    """warcinfo, a request and a response per capture, and a revisit of the first page last."""
    records = [_warcinfo()]
    captures = _captures(docs)
    for n, (url, content_type, body, last_modified) in enumerate(captures):
        when = CRAWL_START + timedelta(seconds=47 * n)
        head = _http_head(content_type, len(body), when, last_modified)
        records += [_request(url, when), _response(url, when, head, body)]
    url, content_type, body, last_modified = captures[0]
    later = CRAWL_START + timedelta(days=1)
    records.append(_revisit(url, later, _http_head(content_type, len(body), later, last_modified), body))
    return records


def _captures(docs: list[dict]) -> list[tuple[str, str, bytes, str | None]]:
    """(url, content type, body, Last-Modified) per response: the pages, with a PNG and an empty page among them."""
    captures = [
        (doc["url"], HTML_TYPE, page_html(doc, n).encode(), _last_modified(doc, n)) for n, doc in enumerate(docs)
    ]
    captures.insert(3, (PNG_URL, "image/png", _tiny_png(), None))
    captures.insert(8, (EMPTY_URL, HTML_TYPE, b"", None))
    return captures


def page_html(doc: dict, n: int) -> str:
    """A whole web page around the text: header, nav menu, article with paragraphs, footer."""
    site = urlsplit(doc["url"]).hostname.removeprefix("www.")
    title = html.escape(_title(doc))
    menu = "".join(f'<li><a href="{href}">{label}</a></li>' for label, href in NAV)
    return (
        f'<!DOCTYPE html>\n<html lang="{doc["lang"]}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title} | {site}</title>\n'
        f"{_head_extras(doc, n)}</head>\n<body>\n"
        f'<header><a class="logo" href="/">{site}</a></header>\n<nav><ul>{menu}</ul></nav>\n'
        f"<main>\n<article>\n<h1>{title}</h1>\n{_paragraphs(doc['text'])}</article>\n</main>\n"
        f'<footer><p>&copy; 2024 {site}</p><p><a href="/privacy/">Privacy</a> | <a href="/cookies/">Cookies</a></p>'
        "</footer>\n</body>\n</html>\n"
    )


def _title(doc: dict) -> str:
    """The page title, read back from the URL slug (the last path segment that is not a number)."""
    slugs = [part for part in urlsplit(doc["url"]).path.split("/") if part and not part.isdigit()]
    return slugs[-1].removesuffix(".html").replace("-", " ").capitalize()


def _paragraphs(text: str) -> str:
    """One <p> per paragraph; single line breaks inside a paragraph become <br>."""
    paragraphs = ("<br>\n".join(html.escape(line, quote=False) for line in p.split("\n")) for p in text.split("\n\n"))
    return "".join(f"<p>{p}</p>\n" for p in paragraphs)


def _head_extras(doc: dict, n: int) -> str:
    """Provenance hints in <head>: generator, and the date as a meta tag or JSON-LD, varying page by page."""
    tags = []
    generator = AI_GENERATORS.get(doc["key"]) or ("WordPress 6.4" if n % 2 == 0 else None)
    if generator:
        tags.append(f'<meta name="generator" content="{generator}">')
    if doc["date"] and n % 3 == 0:
        tags.append(f'<meta property="article:published_time" content="{doc["date"]}">')
    if doc["key"] == IPTC_KEY:
        tags.append(f'<meta name="digitalsourcetype" content="{TRAINED_ALGORITHMIC}">')
    if (doc["date"] and n % 3 == 1) or doc["key"] == IPTC_KEY:
        tags.append(f'<script type="application/ld+json">{_json_ld(doc, n)}</script>')
    return "".join(tag + "\n" for tag in tags)


def _json_ld(doc: dict, n: int) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": _title(doc)}
    if doc["date"] and n % 3 == 1:
        data["datePublished"] = doc["date"]
    if doc["key"] == IPTC_KEY:
        data["digitalSourceType"] = TRAINED_ALGORITHMIC
    return json.dumps(data, ensure_ascii=False)


def _last_modified(doc: dict, n: int) -> str | None:
    """The third way a page gives its date: an HTTP Last-Modified header (RFC 1123)."""
    if not doc["date"] or n % 3 != 2:
        return None
    when = datetime.fromisoformat(doc["date"])
    return _http_date(when if when.tzinfo else when.replace(tzinfo=UTC))


def _http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def _warc_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _http_head(content_type: str, length: int, when: datetime, last_modified: str | None) -> bytes:
    lines = [
        "HTTP/1.1 200 OK",
        f"Date: {_http_date(when)}",
        "Server: nginx",
        f"Content-Type: {content_type}",
        f"Content-Length: {length}",
    ]
    if last_modified:
        lines.append(f"Last-Modified: {last_modified}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _record_id(kind: str, url: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{kind} {url}')}>"


def _digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def _record(fields: dict[str, str], block: bytes) -> bytes:
    """One WARC record: version line, named fields, Content-Length, the block and the closing CRLF pair."""
    head = "WARC/1.1\r\n" + "".join(f"{name}: {value}\r\n" for name, value in fields.items())
    return f"{head}Content-Length: {len(block)}\r\n\r\n".encode() + block + b"\r\n\r\n"


def _warcinfo() -> bytes:
    block = (
        b"software: synthsieve sample/generate.py\r\n"
        b"format: WARC File Format 1.1\r\n"
        b"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
        b"isPartOf: synthsieve-sample\r\n"
        b"description: made-up pages for the synthsieve sample corpus; every text was written for the project\r\n"
    )
    fields = {
        "WARC-Type": "warcinfo",
        "WARC-Record-ID": _record_id("warcinfo", "crawl.warc.gz"),
        "WARC-Date": _warc_date(CRAWL_START),
        "WARC-Filename": "crawl.warc.gz",
        "WARC-Block-Digest": _digest(block),
        "Content-Type": "application/warc-fields",
    }
    return _record(fields, block)


def _request(url: str, when: datetime) -> bytes:
    parts = urlsplit(url)
    block = (
        f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.hostname}\r\n"
        "User-Agent: synthsieve-sample/0.1\r\nAccept: text/html,*/*;q=0.8\r\n\r\n"
    ).encode()
    fields = {
        "WARC-Type": "request",
        "WARC-Record-ID": _record_id("request", url),
        "WARC-Date": _warc_date(when),
        "WARC-Target-URI": url,
        "WARC-Concurrent-To": _record_id("response", url),
        "WARC-Block-Digest": _digest(block),
        "Content-Type": "application/http; msgtype=request",
    }
    return _record(fields, block)


def _response(url: str, when: datetime, head: bytes, body: bytes) -> bytes:
    fields = {
        "WARC-Type": "response",
        "WARC-Record-ID": _record_id("response", url),
        "WARC-Date": _warc_date(when),
        "WARC-Target-URI": url,
        "WARC-Payload-Digest": _digest(body),
        "WARC-Block-Digest": _digest(head + body),
        "Content-Type": "application/http; msgtype=response",
    }
    return _record(fields, head + body)


def _revisit(url: str, when: datetime, head: bytes, body: bytes) -> bytes:
    """A later visit of the first page, ``url``, with an unchanged payload: HTTP headers only, pointing back."""
    fields = {
        "WARC-Type": "revisit",
        "WARC-Record-ID": _record_id("revisit", url),
        "WARC-Date": _warc_date(when),
        "WARC-Target-URI": url,
        "WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
        "WARC-Refers-To": _record_id("response", url),
        "WARC-Refers-To-Target-URI": url,
        "WARC-Refers-To-Date": _warc_date(CRAWL_START),
        "WARC-Payload-Digest": _digest(body),
        "WARC-Block-Digest": _digest(head),
        "Content-Type": "application/http; msgtype=response",
    }
    return _record(fields, head)


def _tiny_png() -> bytes:
    """A valid 4x4 grey PNG, built by hand so that its bytes never change."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = b"".join(b"\x00" + b"\x80" * 4 for _ in range(4))
    header = struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels, 9)) + chunk(b"IEND", b"")
    )
