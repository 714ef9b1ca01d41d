"""WARC and WET reader (.warc, .warc.gz, .warc.wet.gz): 2xx HTML responses and HTML resource records become
documents (their HTML is extracted later), and so do WET ``conversion`` records (their text as is); every other record
is skipped with its reason (``record_type:request``, ``http_status:404``, ``not_text:image/png``, ...).

A damaged file does not end the read: after a record whose Content-Length does not end at a record boundary, a
truncated record or an unreadable stretch, reading resumes at the next gzip member (``.warc.gz``) or ``WARC/1.``
line (``.warc``) after it, so the records behind the damage are still read. Which record the damage belongs to is
decided by reading that record again (``warc_stream.boundary``), not from the parser's error message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from synthsieve.provenance.dates import parse_date
from synthsieve.readers import warc_stream
from synthsieve.readers.http_body import BodyError, html_payload, mime_type, skip_reason
from synthsieve.readers.records import dead_letter, raw_document, skipped
from synthsieve.readers.warc_stream import GZIP_MAGIC, WARC_MAGIC, Window, next_start

FORMAT, WET = "warc", "wet"


class NotWarc(ValueError):
    """Not one WARC record could be read from the file."""


def read_warc(
    stream: IO[bytes], source_uri: str, max_bytes: int, fmt: str = FORMAT
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields one ``("doc", raw_document)``, ``("skip", skipped)`` or ``("dead", dead_letter)`` per record, and one
    dead letter per stretch of the file that could not be read. HTTP bodies are decoded (chunked, gzip, deflate, br,
    zstd). The offset is the record's byte offset in the (compressed) file, as in Common Crawl's index.

    Raises:
        NotWarc: the file is not empty, but not one WARC record in it could be read.
    """
    gz = stream.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    start, parsed, held = 0, 0, []
    while start is not None:
        resume, letter, n = yield from _read_from(stream, start, gz, source_uri, max_bytes, fmt)
        parsed += n
        if letter is not None:
            held.append(letter)
        start = next_start(stream, GZIP_MAGIC if gz else WARC_MAGIC, resume) if resume is not None else None
    if held and not parsed:
        raise NotWarc(f"not a WARC file: {held[0]['message']}")
    yield from (("dead", letter) for letter in held)


def _read_from(stream, start: int, gz: bool, source_uri: str, max_bytes: int, fmt: str):
    """Yields the records from byte ``start`` on until the file ends or breaks; returns ``(resume after this
    offset or None, dead letter of the break or None, records parsed)``.

    Each record is held back until the next header parses: when the parser breaks instead, the held record is
    checked (see ``_after_break``).
    """
    from fastwarc.warc import ArchiveIterator  # heavy native import, only on the read path

    records, pending, parsed = iter(ArchiveIterator(Window(stream, start), parse_http=False)), None, 0
    while True:
        try:
            record = next(records, None)
        except BaseException as exc:  # noqa: B036 - fastwarc's Rust panics are BaseExceptions
            _reraise_fatal(exc)
            verdict = warc_stream.boundary(stream, pending[0], gz) if pending is not None else None
            resume, letter = _after_break(pending, verdict, start, source_uri, exc, fmt)
            if letter is None and pending[1] is not None:
                yield pending[1]
            return resume, letter, parsed
        if pending is not None and pending[1] is not None:
            yield pending[1]
        if record is None:
            return None, None, parsed
        parsed += 1
        offset = start + record.stream_pos
        try:
            pending = (offset, _record(record, offset, source_uri, max_bytes, fmt))
        except BaseException as exc:  # noqa: B036
            _reraise_fatal(exc)
            message = f"{type(exc).__name__}: {exc}"
            return offset, dead_letter(source_uri, offset, fmt, "read", "invalid_record", message), parsed
        if pending[1] is not None and pending[1][1].get("reason") == "truncated_record":
            if gz and warc_stream.boundary(stream, offset, gz) == warc_stream.DAMAGED:  # not cut: corrupt
                message = "its gzip member cannot be decompressed"
                letter = dead_letter(source_uri, offset, fmt, "read", "invalid_record", message)
                pending = (offset, ("dead", letter))
            yield pending[1]  # what its Content-Length claimed may hide more records: resume behind it
            return offset, None, parsed


def _after_break(pending, verdict, start: int, source_uri: str, exc: BaseException, fmt: str):
    """Where to resume when the parser breaks, and the dead letter that records it (None: the record before stands).

    The record before the break is read again: if it ends where its Content-Length says, it stands and reading
    resumes behind it (an unreadable stretch there is then ``invalid_record``); if its gzip member is damaged, it is
    ``invalid_record``; if its Content-Length is wrong, a response record is ``content_length_mismatch``.
    """
    message = f"{type(exc).__name__}: {exc}"
    if pending is None:
        return start, dead_letter(source_uri, start, fmt, "read", "invalid_record", message)
    offset, item = pending
    if verdict == warc_stream.OK:
        return offset, None
    if verdict == warc_stream.MISMATCH and item is not None:
        note = f"its Content-Length does not end at a record boundary ({message})"
        return offset, dead_letter(source_uri, offset, fmt, "read", "content_length_mismatch", note)
    return offset, dead_letter(source_uri, offset, fmt, "read", "invalid_record", f"{verdict} record: {message}")


def _record(record: Any, offset: int, source_uri: str, max_bytes: int, fmt: str) -> tuple[str, dict[str, Any]]:
    """The record as a document (``response`` with a 2xx HTML payload, ``resource`` holding HTML, WET
    ``conversion`` text), a skipped record (another record type, status or media type) or a dead letter."""
    from fastwarc.warc import WarcRecordType

    kind = record.record_type
    headers = record.headers
    uri = target_uri(headers.get("WARC-Target-URI"))

    def dead(reason: str, message: str) -> tuple[str, dict[str, Any]]:
        return "dead", dead_letter(source_uri, offset, fmt, "read", reason, message)

    if kind not in (WarcRecordType.response, WarcRecordType.resource, WarcRecordType.conversion):
        return "skip", skipped(source_uri, offset, fmt, f"record_type:{_type_name(kind, headers)}", uri)
    declared = record.content_length
    if declared > max_bytes:
        skipped_bytes = record.reader.consume()
        if skipped_bytes < declared:
            return dead("truncated_record", f"Content-Length {declared} but the file ends after {skipped_bytes} bytes")
        return dead("too_large", f"{declared} bytes at {uri}")
    if headers.get("WARC-Block-Digest") and not record.verify_block_digest():
        return dead("digest_mismatch", f"WARC-Block-Digest does not match the block at {uri}")
    http = None
    if kind == WarcRecordType.response:
        record.parse_http(quirks_mode=True)  # ClueWeb09's HTTP headers end lines with a bare LF
        http = record.http_headers
        if not http:
            return dead("no_http_headers", f"record for {uri}")
        content_type = http.get("Content-Type")
        reason = skip_reason(http.status_code, content_type)
    else:
        content_type = headers.get("Content-Type")
        text = kind == WarcRecordType.conversion and mime_type(content_type) in ("text/plain", "")
        reason = None if text else skip_reason(None, content_type)
    if reason is not None:
        return "skip", skipped(source_uri, offset, fmt, reason, uri)
    body = record.reader.read(max_bytes + 1)
    if len(body) < record.content_length:
        return dead("truncated_record", f"body has {len(body)} of {record.content_length} bytes at {uri}")
    encodings = (http.get("Transfer-Encoding"), http.get("Content-Encoding")) if http is not None else (None, None)
    try:
        body = html_payload(body, *encodings, max_bytes)
    except BodyError as exc:
        return dead(exc.reason, f"{exc}: {content_type!r} at {uri}")
    metadata = {k: v for k, v in _metadata(headers, http).items() if v}
    fields = dict(
        id=headers.get("WARC-Record-ID"),
        url=uri,
        crawl_date=_crawl_date(headers, http),
        warc_record_id=headers.get("WARC-Record-ID"),
        content_type=content_type,
        metadata=metadata or None,
    )
    if kind != WarcRecordType.conversion:
        return "doc", raw_document(source_uri, offset, fmt, html=body, **fields)
    try:
        return "doc", raw_document(source_uri, offset, fmt, text=body.decode("utf-8"), **fields)
    except UnicodeDecodeError as exc:
        return dead("invalid_utf8", f"{exc} at {uri}")


def target_uri(value: str | None) -> str | None:
    """``WARC-Target-URI`` without the angle brackets GNU Wget writes around it (as warcio and jwarc read it)."""
    if value is None:
        return None
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    return value or None


def _metadata(headers: Any, http: Any) -> dict[str, str | None]:
    return {
        "last_modified": http.get("Last-Modified") if http else None,
        "warc_refers_to": headers.get("WARC-Refers-To"),
    }


def _crawl_date(headers: Any, http: Any) -> str | None:
    """``WARC-Date``; where it is not a date (ClueWeb09 writes ``2008-10-294T...``), the HTTP response's ``Date``."""
    warc_date = headers.get("WARC-Date")
    return warc_date if parse_date(warc_date) is not None or http is None else http.get("Date")


def _type_name(kind: Any, headers: Any) -> str:
    return (headers.get("WARC-Type") or getattr(kind, "name", str(kind))).strip().lower()


def _reraise_fatal(exc: BaseException) -> None:
    """Re-raises interpreter exits and interrupts; any other error (a Rust panic included) is the record's."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise exc
