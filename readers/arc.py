"""ARC reader (.arc, .arc.gz: the Internet Archive's format before WARC, versions 1 and 2).

Each record is a header line (``URL IP-address archive-date content-type [...] length``) and ``length`` bytes of
HTTP response; the first record (``filedesc://``) describes the file. Documents, skips and dead letters follow the
WARC reader's rules. The offset is the record's byte offset in the uncompressed stream.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from typing import IO, Any

from synthsieve.readers.http_body import BodyError, html_payload, skip_reason
from synthsieve.readers.records import dead_letter, raw_document, skipped

FORMAT = "arc"
_LINE_LIMIT = 64 << 10
_CHUNK = 1 << 20
_STREAM_ERRORS = (EOFError, OSError, zlib.error)


class NotArc(ValueError):
    """The file does not start with an ARC file header (``filedesc://``)."""


def read_arc(stream: IO[bytes], source_uri: str, max_bytes: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields one ``("doc", raw_document)``, ``("skip", skipped)`` or ``("dead", dead_letter)`` per record; a file
    that breaks off (cut or corrupt) ends with one ``truncated_file`` dead letter.

    Raises:
        NotArc: the file is not an ARC file.
    """
    head = stream.read(2)
    stream.seek(0)
    data = gzip.GzipFile(fileobj=stream) if head == b"\x1f\x8b" else stream
    offset = 0
    try:
        while line := data.readline(_LINE_LIMIT):
            if not line.strip():
                offset += len(line)
                continue
            fields = line.split()
            if offset == 0 and not line.startswith(b"filedesc://"):
                raise NotArc(f"not an ARC file: it starts with {line[:40]!r}")
            try:
                length = int(fields[-1])
            except (ValueError, IndexError):
                yield (
                    "dead",
                    dead_letter(source_uri, offset, FORMAT, "read", "invalid_record", f"header {line[:200]!r}"),
                )
                return
            block = data.read(min(length, max_bytes + 1))
            rest = _consume(data, length - len(block)) if length > max_bytes else 0
            if len(block) + rest < length:
                message = f"the record claims {length} bytes but the file ends after {len(block) + rest}"
                yield "dead", dead_letter(source_uri, offset, FORMAT, "read", "truncated_record", message)
                return
            yield _record(fields, block, length, offset, source_uri, max_bytes)
            offset += len(line) + length
    except _STREAM_ERRORS as exc:
        yield "dead", dead_letter(source_uri, offset, FORMAT, "read", "truncated_file", f"{type(exc).__name__}: {exc}")


def _record(fields: list[bytes], block: bytes, length: int, offset: int, source_uri: str, max_bytes: int):
    url = fields[0].decode("utf-8", "replace")
    scheme = url.split(":", 1)[0].lower()
    if scheme not in ("http", "https"):
        return "skip", skipped(source_uri, offset, FORMAT, f"record_type:{scheme}", url)

    def dead(reason: str, message: str) -> tuple[str, dict[str, Any]]:
        return "dead", dead_letter(source_uri, offset, FORMAT, "read", reason, message)

    if length > max_bytes:
        return dead("too_large", f"{length} bytes at {url}")
    status, headers, body = _http(block)
    if status is None:
        return dead("no_http_headers", f"record for {url}")
    if reason := skip_reason(status, headers.get("content-type")):
        return "skip", skipped(source_uri, offset, FORMAT, reason, url)
    try:
        body = html_payload(body, headers.get("transfer-encoding"), headers.get("content-encoding"), max_bytes)
    except BodyError as exc:
        return dead(exc.reason, f"{exc}: {headers.get('content-type')!r} at {url}")
    date = fields[2].decode("ascii", "replace") if len(fields) > 2 else ""
    modified = headers.get("last-modified")
    return "doc", raw_document(
        source_uri,
        offset,
        FORMAT,
        html=body,
        url=url,
        crawl_date=_arc_date(date),
        content_type=headers.get("content-type"),
        metadata={"last_modified": modified} if modified else None,
    )


def _http(block: bytes) -> tuple[int | None, dict[str, str], bytes]:
    """The status code, headers (lowercased names) and body of an HTTP response block; status None if the block does
    not start with an HTTP status line. Header lines may end with CRLF or a bare LF."""
    crlf, lf = block.find(b"\r\n\r\n"), block.find(b"\n\n")
    if crlf >= 0 and (lf < 0 or crlf < lf):
        head, body = block[:crlf], block[crlf + 4 :]
    else:
        head, _, body = block.partition(b"\n\n")
    lines = head.decode("latin-1").splitlines()
    parts = lines[0].split() if lines else []
    if len(parts) < 2 or not parts[0].upper().startswith("HTTP/") or not parts[1].isdigit():
        return None, {}, b""
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.setdefault(name.strip().lower(), value.strip())
    return int(parts[1]), headers, body


def _arc_date(value: str) -> str | None:
    """ISO 8601 of an ARC archive date (``YYYYMMDDhhmmss``), None if it is not one."""
    if len(value) != 14 or not value.isdigit():
        return None
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}T{value[8:10]}:{value[10:12]}:{value[12:]}Z"


def _consume(data: IO[bytes], n: int) -> int:
    """Reads past ``n`` bytes in bounded chunks; returns how many there were."""
    done = 0
    while done < n and (chunk := data.read(min(_CHUNK, n - done))):
        done += len(chunk)
    return done
