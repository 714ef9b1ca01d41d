"""WARC reader (.warc, .warc.gz): HTTP response records become documents; their HTML is extracted later."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from synthsieve.readers.records import dead_letter, raw_document

FORMAT = "warc"
HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: IO[bytes], source_uri: str, max_bytes: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields one ``("doc", raw_document)`` or ``("dead", dead_letter)`` per WARC response record.

    Other record types (warcinfo, request, revisit, metadata) are not documents and are skipped. The offset is
    the record's byte offset in the (compressed) file, as in Common Crawl's index.
    """
    from fastwarc.warc import ArchiveIterator, WarcRecordType  # heavy native import, only on the read path

    for record in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True):
        yield _record(record, source_uri, max_bytes)


def _record(record: Any, source_uri: str, max_bytes: int) -> tuple[str, dict[str, Any]]:
    offset = record.stream_pos
    headers, http = record.headers, record.http_headers
    uri = headers.get("WARC-Target-URI")
    content_type = http.get("Content-Type") if http is not None else None
    if http is None:
        return "dead", dead_letter(source_uri, offset, FORMAT, "read", "no_http_headers", f"record for {uri}")
    if not content_type or content_type.split(";")[0].strip().lower() not in HTML_TYPES:
        return "dead", dead_letter(
            source_uri, offset, FORMAT, "read", "unsupported_content_type", f"{content_type!r} at {uri}"
        )
    body = record.reader.read(max_bytes + 1)
    if len(body) > max_bytes:
        return "dead", dead_letter(source_uri, offset, FORMAT, "read", "too_large", f"over {max_bytes} bytes at {uri}")
    metadata = {"last_modified": http.get("Last-Modified")} if http.get("Last-Modified") else None
    return "doc", raw_document(
        source_uri,
        offset,
        FORMAT,
        id=headers.get("WARC-Record-ID"),
        html=body,
        url=uri,
        crawl_date=headers.get("WARC-Date"),
        warc_record_id=headers.get("WARC-Record-ID"),
        content_type=content_type,
        metadata=metadata,
    )
