"""HTTP payloads as crawlers store them: which records are documents, and the body with its transfer and content
encodings undone (chunked; gzip, deflate, br, zstd), bounded in size."""

from __future__ import annotations

import io
import re
import zlib

HTML_TYPES = ("text/html", "application/xhtml+xml")
_IDENTITY = ("", "identity", "none")
_CHUNK_SIZE = re.compile(rb"[0-9a-fA-F]+[ \t]*(;[^\n]*)?\r?\n")
#: Leading bytes of formats that are never HTML (images, PDF, archives, fonts, audio/video containers).
_BINARY_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"OggS", b"wOFF", b"wOF2",
    b"\x00\x00\x01\x00", b"7z\xbc\xaf", b"Rar!", b"BZh", b"\xfd7zXZ", b"\x28\xb5\x2f\xfd",
)  # fmt: skip
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class BodyError(ValueError):
    """The body cannot be decoded as its headers say (``reason``: ``undecodable_body`` or ``too_large``)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def mime_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lowercased, without parameters ("" when there is none)."""
    return (content_type or "").split(";")[0].strip().lower()


def skip_reason(status: int | None, content_type: str | None) -> str | None:
    """Why an HTTP response is not a document (``http_status:<code>``, ``not_text:<mime>``), or None if it is one."""
    if status is not None and not 200 <= status < 300:
        return f"http_status:{status}"
    mime = mime_type(content_type)
    return None if mime in HTML_TYPES else f"not_text:{mime or 'unknown'}"


def decode_body(body: bytes, transfer_encoding: str | None, content_encoding: str | None, max_bytes: int) -> bytes:
    """The payload with ``Transfer-Encoding: chunked`` and every ``Content-Encoding`` (applied in the order listed)
    undone.

    Crawlers often store the payload already decoded but keep its headers (ClueWeb09 keeps ``Content-Encoding:
    gzip`` on plain HTML), as warcio tolerates: a body that is not chunked (its first line is no chunk size) is taken
    as it is, and so is one that fails to decompress but does not look binary.

    Raises:
        BodyError: the data of an encoding is corrupt or cut (``undecodable_body``), or the decoded payload exceeds
            ``max_bytes`` (``too_large``).
    """
    for coding in [*_codings(transfer_encoding), *reversed(_codings(content_encoding))]:
        if coding in _IDENTITY:
            continue
        if coding == "chunked":
            body = dechunk(body) if _CHUNK_SIZE.match(body) else body
            continue
        try:
            body = _decompress(body, coding, max_bytes)
        except BodyError as exc:
            if exc.reason == "too_large" or looks_binary(body):
                raise
    return body


def html_payload(body: bytes, transfer_encoding: str | None, content_encoding: str | None, max_bytes: int) -> bytes:
    """``decode_body``, then a check that the payload is not an image, archive or other binary.

    Raises:
        BodyError: as ``decode_body``, or ``binary_body``.
    """
    body = decode_body(body, transfer_encoding, content_encoding, max_bytes)
    if looks_binary(body):
        raise BodyError("binary_body", f"the body holds binary data ({body[:8]!r})")
    return body


def dechunk(body: bytes) -> bytes:
    """The data of a ``Transfer-Encoding: chunked`` body (chunk extensions and trailers dropped).

    Raises:
        BodyError: a chunk size line is not hexadecimal or a chunk is cut short.
    """
    out, pos = [], 0
    while True:
        end = body.find(b"\n", pos)
        if end < 0:
            raise BodyError("undecodable_body", f"chunked body: no chunk size line at byte {pos}")
        size_text = body[pos:end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise BodyError("undecodable_body", f"chunked body: bad chunk size {size_text[:20]!r}") from None
        if size == 0:
            return b"".join(out)
        start = end + 1
        if start + size > len(body):
            raise BodyError("undecodable_body", f"chunked body: a {size}-byte chunk is cut short")
        out.append(body[start : start + size])
        pos = start + size
        pos += 2 if body[pos : pos + 2] == b"\r\n" else 1 if body[pos : pos + 1] == b"\n" else 0


def _codings(header: str | None) -> list[str]:
    return [c.strip().lower() for c in (header or "").split(",") if c.strip()]


def _decompress(data: bytes, coding: str, max_bytes: int) -> bytes:
    try:
        if coding in ("gzip", "x-gzip"):
            out = _inflate(data, 16 + zlib.MAX_WBITS, max_bytes)
        elif coding == "deflate":  # zlib-wrapped per the RFC; many servers send raw deflate
            try:
                out = _inflate(data, zlib.MAX_WBITS, max_bytes)
            except zlib.error:
                out = _inflate(data, -zlib.MAX_WBITS, max_bytes)
        elif coding == "br":
            import brotli

            decompressor = brotli.Decompressor()
            out = decompressor.process(data, output_buffer_limit=max_bytes + 1)
            if len(out) <= max_bytes and not decompressor.is_finished():
                raise EOFError("the compressed stream is cut short")
        elif coding in ("zstd", "zstandard"):
            import zstandard

            out = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read(max_bytes + 1)
        else:
            raise BodyError("undecodable_body", f"unknown encoding {coding!r}")
    except BodyError:
        raise
    except Exception as exc:  # zlib.error, EOFError, brotli.error, zstandard.ZstdError
        raise BodyError("undecodable_body", f"{coding} body: {type(exc).__name__}: {exc}") from None
    if len(out) > max_bytes:
        raise BodyError("too_large", f"the {coding} body decodes to over {max_bytes} bytes")
    return out


def _inflate(data: bytes, wbits: int, max_bytes: int) -> bytes:
    """zlib-inflates ``data`` to at most ``max_bytes + 1`` bytes (a decompression bomb stops there).

    Raises:
        zlib.error: corrupt data. EOFError: the stream ends before its end marker.
    """
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(data, max_bytes + 1)
    if len(out) <= max_bytes and not inflater.eof:
        raise EOFError("the compressed stream is cut short")
    return out


def looks_binary(body: bytes) -> bool:
    """Whether a body labelled HTML is an image, archive or other binary: a known magic number, or NUL bytes in its
    first 4 KiB without a UTF-16 byte-order mark."""
    head = body[:4096]
    return head.startswith(_BINARY_MAGIC) or (b"\x00" in head and not head.startswith(_UTF16_BOMS))
