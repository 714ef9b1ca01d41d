"""WARC reader (.warc, .warc.gz): HTTP response records become documents; their HTML is extracted later.

A damaged file does not end the read: after a record whose Content-Length does not end at a record boundary, a
truncated record or an unreadable stretch, reading resumes at the next gzip member (``.warc.gz``) or ``WARC/1.``
line (``.warc``) after it, so the records behind the damage are still read. Which record the damage belongs to is
decided by reading that record again (``warc_stream.boundary``), not from the parser's error message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from synthsieve.readers import warc_stream
from synthsieve.readers.records import dead_letter, raw_document
from synthsieve.readers.warc_stream import GZIP_MAGIC, WARC_MAGIC, Window, next_start

FORMAT = "warc"
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Leading bytes of formats that are never HTML (images, PDF, archives, fonts, audio/video containers).
_BINARY_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"OggS", b"wOFF", b"wOF2",
    b"\x00\x00\x01\x00", b"7z\xbc\xaf", b"Rar!", b"BZh", b"\xfd7zXZ", b"\x28\xb5\x2f\xfd",
)  # fmt: skip
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class NotWarc(ValueError):
    """Not one WARC record could be read from the file."""


def read_warc(stream: IO[bytes], source_uri: str, max_bytes: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields one ``("doc", raw_document)`` or ``("dead", dead_letter)`` per WARC response record, and one
    dead letter per stretch of the file that could not be read.

    Other record types (warcinfo, request, revisit, metadata) are not documents and are skipped. The offset is
    the record's byte offset in the (compressed) file, as in Common Crawl's index.

    Raises:
        NotWarc: the file is not empty, but not one WARC record in it could be read.
    """
    gz = stream.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    start, parsed, held = 0, 0, []
    while start is not None:
        resume, letter, n = yield from _read_from(stream, start, gz, source_uri, max_bytes)
        parsed += n
        if letter is not None:
            held.append(letter)
        start = next_start(stream, GZIP_MAGIC if gz else WARC_MAGIC, resume) if resume is not None else None
    if held and not parsed:
        raise NotWarc(f"not a WARC file: {held[0]['message']}")
    yield from (("dead", letter) for letter in held)


def _read_from(stream, start: int, gz: bool, source_uri: str, max_bytes: int):
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
            resume, letter = _after_break(pending, verdict, start, source_uri, exc)
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
            pending = (offset, _record(record, offset, source_uri, max_bytes))
        except BaseException as exc:  # noqa: B036
            _reraise_fatal(exc)
            message = f"{type(exc).__name__}: {exc}"
            return offset, dead_letter(source_uri, offset, FORMAT, "read", "invalid_record", message), parsed
        if pending[1] is not None and pending[1][1].get("reason") == "truncated_record":
            if gz and warc_stream.boundary(stream, offset, gz) == warc_stream.DAMAGED:  # not cut: corrupt
                message = "its gzip member cannot be decompressed"
                letter = dead_letter(source_uri, offset, FORMAT, "read", "invalid_record", message)
                pending = (offset, ("dead", letter))
            yield pending[1]  # what its Content-Length claimed may hide more records: resume behind it
            return offset, None, parsed


def _after_break(pending, verdict, start: int, source_uri: str, exc: BaseException):
    """Where to resume when the parser breaks, and the dead letter that records it (None: the record before stands).

    The record before the break is read again: if it ends where its Content-Length says, it stands and reading
    resumes behind it (an unreadable stretch there is then ``invalid_record``); if its gzip member is damaged, it is
    ``invalid_record``; if its Content-Length is wrong, a response record is ``content_length_mismatch``.
    """
    message = f"{type(exc).__name__}: {exc}"
    if pending is None:
        return start, dead_letter(source_uri, start, FORMAT, "read", "invalid_record", message)
    offset, item = pending
    if verdict == warc_stream.OK:
        return offset, None
    if verdict == warc_stream.MISMATCH and item is not None:
        note = f"its Content-Length does not end at a record boundary ({message})"
        return offset, dead_letter(source_uri, offset, FORMAT, "read", "content_length_mismatch", note)
    return offset, dead_letter(source_uri, offset, FORMAT, "read", "invalid_record", f"{verdict} record: {message}")


def _record(record: Any, offset: int, source_uri: str, max_bytes: int) -> tuple[str, dict[str, Any]] | None:
    from fastwarc.warc import WarcRecordType

    if record.record_type != WarcRecordType.response:
        return None
    headers = record.headers
    uri = headers.get("WARC-Target-URI")

    def dead(reason: str, message: str) -> tuple[str, dict[str, Any]]:
        return "dead", dead_letter(source_uri, offset, FORMAT, "read", reason, message)

    declared = record.content_length
    if declared > max_bytes:
        skipped = record.reader.consume()
        if skipped < declared:
            return dead("truncated_record", f"Content-Length {declared} but the file ends after {skipped} bytes")
        return dead("too_large", f"{declared} bytes at {uri}")
    if headers.get("WARC-Block-Digest") and not record.verify_block_digest():
        return dead("digest_mismatch", f"WARC-Block-Digest does not match the block at {uri}")
    record.parse_http()
    http = record.http_headers
    if not http:
        return dead("no_http_headers", f"record for {uri}")
    content_type = http.get("Content-Type")
    if not content_type or content_type.split(";")[0].strip().lower() not in HTML_TYPES:
        return dead("unsupported_content_type", f"{content_type!r} at {uri}")
    body = record.reader.read(max_bytes + 1)
    if len(body) < record.content_length:
        return dead("truncated_record", f"body has {len(body)} of {record.content_length} bytes at {uri}")
    if _looks_binary(body):
        return dead("binary_body", f"{content_type!r} at {uri} holds binary data ({body[:8]!r})")
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


def _looks_binary(body: bytes) -> bool:
    """Whether a body labelled HTML is an image, archive or other binary: a known magic number, or NUL bytes in its
    first 4 KiB without a UTF-16 byte-order mark."""
    head = body[:4096]
    return head.startswith(_BINARY_MAGIC) or (b"\x00" in head and not head.startswith(_UTF16_BOMS))


def _reraise_fatal(exc: BaseException) -> None:
    """Re-raises interpreter exits and interrupts; any other error (a Rust panic included) is the record's."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise exc
