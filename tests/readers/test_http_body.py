import gzip
import zlib

import brotli
import pytest
import zstandard

from synthsieve.readers.http_body import BodyError, dechunk, decode_body, skip_reason

HTML = b"<html><body><p>" + b"Internet Assigned Numbers Authority. " * 40 + b"</p></body></html>"


def _chunked(data: bytes, size: int = 100) -> bytes:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x;ext=1\r\n" % len(p) + p + b"\r\n" for p in parts) + b"0\r\nTrailer: x\r\n\r\n"


@pytest.mark.parametrize(
    "encoding, encode",
    [
        ("gzip", lambda d: gzip.compress(d, mtime=0)),
        ("x-gzip", lambda d: gzip.compress(d, mtime=0)),
        ("deflate", zlib.compress),
        ("deflate", lambda d: zlib.compress(d, wbits=-15)),  # raw deflate, as many servers send it
        ("br", brotli.compress),
        ("zstd", lambda d: zstandard.ZstdCompressor().compress(d)),
        ("identity", lambda d: d),
    ],
)
def test_content_encodings_are_undone(encoding, encode):
    assert decode_body(encode(HTML), None, encoding, 1 << 20) == HTML


def test_chunked_then_gzip_and_stacked_encodings():
    assert decode_body(_chunked(gzip.compress(HTML)), "chunked", "gzip", 1 << 20) == HTML
    assert decode_body(brotli.compress(gzip.compress(HTML)), None, "gzip, br", 1 << 20) == HTML
    assert dechunk(b"5\nhello\n0\n") == b"hello"


def test_corrupt_or_cut_encodings_are_undecodable_and_bombs_too_large():
    with pytest.raises(BodyError) as cut:
        decode_body(gzip.compress(HTML)[:-30], None, "gzip", 1 << 20)
    assert cut.value.reason == "undecodable_body" and "gzip" in str(cut.value)
    with pytest.raises(BodyError, match="cut short") as short:
        decode_body(b"ff\r\nonly a few bytes", "chunked", None, 1 << 20)
    assert short.value.reason == "undecodable_body"
    with pytest.raises(BodyError) as bomb:
        decode_body(gzip.compress(b"\0" * (5 << 20)), None, "gzip", 1 << 20)
    assert bomb.value.reason == "too_large"
    with pytest.raises(BodyError):
        decode_body(b"\x1f\x8b\x08garbage\x00\x00", None, "gzip", 1 << 20)  # gzip magic, corrupt data


def test_payloads_stored_decoded_under_their_encoding_headers_are_kept():
    """ClueWeb09 keeps ``Content-Encoding: gzip`` on the plain HTML it stored; many WARCs keep ``chunked``."""
    assert decode_body(HTML, None, "gzip", 1 << 20) == HTML
    assert decode_body(HTML, "chunked", None, 1 << 20) == HTML
    assert decode_body(HTML, None, "compress", 1 << 20) == HTML


def test_skip_reasons():
    assert skip_reason(200, "text/html; charset=utf-8") is None
    assert skip_reason(206, "application/xhtml+xml") is None
    assert skip_reason(301, "text/html") == "http_status:301"
    assert skip_reason(404, None) == "http_status:404"
    assert skip_reason(200, "Image/PNG") == "not_text:image/png"
    assert skip_reason(200, None) == "not_text:unknown"
    assert skip_reason(None, "text/css") == "not_text:text/css"
