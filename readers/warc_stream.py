"""Byte-level helpers of the WARC reader: where records start and whether one ends where its Content-Length says."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import IO

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
_CHUNK = 1 << 20
_HEAD_LIMIT = 64 << 10  # fastwarc's own limit on a header is 32 KiB
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
_END = b"\r\n\r\n"

OK, MISMATCH, DAMAGED, CUT = "ok", "mismatch", "damaged", "cut"


class Window:
    """The stream seen from byte ``start`` on. A plain object, not an ``io`` class, so that fastwarc reads it through
    ``read`` instead of reaching for the whole underlying buffer or file descriptor."""

    def __init__(self, stream: IO[bytes], start: int):
        self.stream, self.start = stream, start
        stream.seek(start)

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)

    def tell(self) -> int:
        return self.stream.tell() - self.start

    def seek(self, offset: int, whence: int = 0) -> int:
        self.stream.seek(self.start + offset if whence == 0 else offset, whence)
        return self.tell()


def next_start(stream: IO[bytes], magic: bytes, after: int) -> int | None:
    """Offset of the first ``magic`` (gzip member or WARC header) after byte ``after``; None if there is none."""
    position = after + 1
    stream.seek(position)
    tail = b""
    while chunk := stream.read(_CHUNK):
        found = (tail + chunk).find(magic)
        if found >= 0:
            return position - len(tail) + found
        position += len(chunk)
        tail = chunk[-(len(magic) - 1) :]
    return None


def boundary(stream: IO[bytes], offset: int, gz: bool) -> str:
    """Whether the record at ``offset`` ends where its Content-Length says: ``OK`` (its block is followed by CRLF CRLF
    and the next record or the end of its gzip member or file), ``MISMATCH``, ``DAMAGED`` (its gzip member cannot be
    decompressed) or ``CUT`` (the file ends inside its gzip member). Reads the record once, in bounded chunks."""
    stream.seek(offset)
    head, end, seen, tail = b"", None, 0, b""
    want = len(_END) + len(WARC_MAGIC)
    try:
        for chunk in _inflated(stream) if gz else iter(lambda: stream.read(_CHUNK), b""):
            start, seen = seen, seen + len(chunk)
            if end is None:
                head += chunk
                end = _block_end(head)
                if end is None and len(head) > _HEAD_LIMIT or end == -1:
                    return MISMATCH
            if end is not None:
                tail += chunk[max(end - start, 0) : max(end + want - start, 0)]
                if not gz and len(tail) >= want:
                    break
    except zlib.error:
        return DAMAGED
    except EOFError:
        return CUT
    followed = tail[len(_END) :]
    complete = seen == end + len(_END) if gz else not followed
    return OK if end is not None and tail[: len(_END)] == _END and (complete or followed == WARC_MAGIC) else MISMATCH


def _block_end(head: bytes) -> int | None:
    """Where the block of the record starting ``head`` ends: None until its header is complete, -1 if it has no
    Content-Length."""
    header_end = head.find(_END)
    if header_end < 0:
        return None
    length = _CONTENT_LENGTH.search(head, 0, header_end + 2)
    return header_end + len(_END) + int(length.group(1)) if length else -1


def _inflated(stream: IO[bytes]) -> Iterator[bytes]:
    """The decompressed bytes of the gzip member at the stream's position, in bounded chunks.

    Raises:
        zlib.error: the member is corrupt. EOFError: the file ends inside it.
    """
    inflater = zlib.decompressobj(wbits=31)
    while not inflater.eof:
        data = inflater.unconsumed_tail or stream.read(_CHUNK)
        if not data:
            raise EOFError("the file ends inside a gzip member")
        yield inflater.decompress(data, _CHUNK)
