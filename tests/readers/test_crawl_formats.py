"""Real crawl formats: WET, ARC, HTTP encodings, ClueWeb's bare-LF headers, wget's bracketed URIs, skipped records."""

import gzip
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthsieve.readers.arc import NotArc, read_arc
from synthsieve.readers.files import UnsupportedFormat, WrongContent, detect_format, read_file

from builders import CRAWL, HUMAN_TEXT, page, warc_record

HTML = page(HUMAN_TEXT).encode()
CHUNKED = b"%x\r\n" % len(HTML) + HTML + b"\r\n0\r\n\r\n"
LAST_MODIFIED = "Last-Modified: Fri, 09 Aug 2013 23:54:35 GMT"


def _read(data: bytes, fmt: str = "warc") -> list[tuple[str, dict]]:
    return list(read_file(io.BytesIO(data), f"f.{fmt}", fmt, 1 << 20))


def _http(status: str, headers: str, body: bytes, eol: bytes = b"\r\n") -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers.split("|")] if headers else [f"HTTP/1.1 {status}"]
    return eol.join(line.encode() for line in lines) + eol + eol + body


def _response(block: bytes, uri: str = "http://example.com/a") -> bytes:
    headers = {"WARC-Type": "response", "WARC-Target-URI": uri, "WARC-Date": "2024-05-01T00:00:00Z"}
    return warc_record({**headers, "Content-Type": "application/http; msgtype=response"}, block)


def test_wet_conversion_records_are_documents_with_their_text_as_is():
    text = "A plain text page.\nSecond line: café\n"
    wet = b"".join(
        gzip.compress(r)
        for r in [
            warc_record({"WARC-Type": "warcinfo", "Content-Type": "application/warc-fields"}, b"isPartOf: CC\r\n"),
            warc_record(
                {
                    "WARC-Type": "conversion",
                    "WARC-Target-URI": "https://news.example.org/story",
                    "WARC-Date": "2024-02-03T04:05:06Z",
                    "WARC-Record-ID": "<urn:uuid:1>",
                    "WARC-Refers-To": "<urn:uuid:0>",
                    "Content-Type": "text/plain",
                },
                text.encode(),
            ),
        ]
    )
    assert detect_format("CC-MAIN-x.warc.wet.gz") == detect_format("x.wet") == "wet"
    records = list(read_file(io.BytesIO(wet), "x.warc.wet.gz", "wet", 1 << 20))
    assert [k for k, _ in records] == ["skip", "doc"]
    doc = records[1][1]
    assert doc["text"] == text and doc["html"] is None and doc["source_format"] == "wet"
    assert doc["url"] == "https://news.example.org/story" and doc["crawl_date"] == "2024-02-03T04:05:06Z"
    assert doc["metadata"] == {"warc_refers_to": "<urn:uuid:0>"}


def test_wat_is_refused_and_arc_is_recognised():
    with pytest.raises(UnsupportedFormat, match="WAT"):
        detect_format("CC-MAIN-x.warc.wat.gz")
    assert detect_format("IA-001.arc.gz") == "arc"


def test_http_bodies_are_decoded_statuses_and_media_types_skipped():
    records = _read(
        _response(_http("200 OK", "Content-Type: text/html|Content-Encoding: gzip", gzip.compress(HTML)))
        + _response(_http("200 OK", "Content-Type: text/html|Transfer-Encoding: chunked", CHUNKED))
        + _response(_http("404 Not Found", "Content-Type: text/html", HTML))
        + _response(_http("301 Moved", "Location: /b", b""))
        + _response(_http("200 OK", "Content-Type: application/javascript", b"var x;"))
        + _response(_http("200 OK", "Content-Type: text/html|Content-Encoding: gzip", b"\x1f\x8b\x08broken"))
    )  # fmt: skip
    assert [(k, r.get("reason")) for k, r in records] == [
        ("doc", None),
        ("doc", None),
        ("skip", "http_status:404"),
        ("skip", "http_status:301"),
        ("skip", "not_text:application/javascript"),
        ("dead", "undecodable_body"),
    ]
    assert records[0][1]["html"] == HTML == records[1][1]["html"]


def test_bare_lf_http_headers_resource_records_and_wget_brackets():
    lf = _response(_http("200 OK", "Content-Type: text/html; charset=utf-8", HTML, eol=b"\n"))
    resource = warc_record(
        {"WARC-Type": "resource", "WARC-Target-URI": "http://example.com/r", "Content-Type": "text/html"}, HTML
    )
    wget = _response(_http("200 OK", "Content-Type: text/html", HTML), uri="<https://www.example.co.uk/w>")
    docs = [r for _, r in _read(lf + resource + wget)]
    assert [d.get("html") == HTML for d in docs] == [True, True, True]
    assert [d["url"] for d in docs] == ["http://example.com/a", "http://example.com/r", "https://www.example.co.uk/w"]


def _arc(*records: tuple[str, bytes]) -> bytes:
    desc = b"1 0 test\nURL IP-address Archive-date Content-type Archive-length\n"
    out = [b"filedesc://t.arc 0.0.0.0 20140216050221 text/plain %d\n" % len(desc) + desc + b"\n"]
    out += [
        f"{url} 1.2.3.4 20140216050221 text/html {len(block)}\n".encode() + block + b"\n" for url, block in records
    ]
    return b"".join(gzip.compress(r) for r in out)


def test_arc_records_become_documents():
    data = _arc(
        ("http://example.com/", _http("200 OK", f"Content-Type: text/html|{LAST_MODIFIED}", HTML)),
        ("http://example.com/gone", _http("404 Not Found", "Content-Type: text/html", b"")),
        ("dns:example.com", b"1.2.3.4"),
    )  # fmt: skip
    records = list(read_arc(io.BytesIO(data), "t.arc.gz", 1 << 20))
    assert [(k, r.get("reason")) for k, r in records] == [
        ("skip", "record_type:filedesc"),
        ("doc", None),
        ("skip", "http_status:404"),
        ("skip", "record_type:dns"),
    ]
    doc = records[1][1]
    assert doc["html"] == HTML and doc["crawl_date"] == "2014-02-16T05:02:21Z" and doc["source_format"] == "arc"
    assert doc["metadata"] == {"last_modified": "Fri, 09 Aug 2013 23:54:35 GMT"}
    cut = list(read_arc(io.BytesIO(gzip.decompress(data)[:-5]), "t.arc", 1 << 20))
    assert cut[-1][1]["reason"] == "truncated_record"
    with pytest.raises(NotArc):
        list(read_arc(io.BytesIO(b"WARC/1.0\r\n"), "x.arc", 1 << 20))


def test_content_that_contradicts_the_name_is_a_file_error(tmp_path):
    parquet = tmp_path / "docs.jsonl"
    pq.write_table(pa.table({"text": ["a"]}), parquet)
    with open(parquet, "rb") as stream, pytest.raises(WrongContent, match="Parquet file"):
        read_file(stream, str(parquet), "jsonl", 1 << 20)
    for name in ("docs.jsonl.gz", "docs.jsonl.zst"):
        with pytest.raises(WrongContent, match="not .* data as its name says"):
            read_file(io.BytesIO(b'{"text": "plain"}\n'), name, "jsonl", 1 << 20)
    with pytest.raises(WrongContent, match="WARC file"):
        read_file(io.BytesIO(b"WARC/1.0\r\n"), "x.jsonl", "jsonl", 1 << 20)


WARCINFO, REQUEST, METADATA, PLAIN = (
    "record_type:warcinfo",
    "record_type:request",
    "record_type:metadata",
    "not_text:text/plain",
)
WGET = {WARCINFO: 1, METADATA: 1, PLAIN: 2}
#: Per real file: documents, skipped records by reason, dead letters, and the URL of one document.
REAL = {
    "dolma-sample-0000.warc.gz": (22, {**WGET, REQUEST: 22}, 0, "https://soldaini.net/"),
    "warcio-example.warc.gz": (1, {WARCINFO: 2, REQUEST: 2, "record_type:revisit": 1}, 0, "http://example.com/"),
    "warcio-example-iana.org-chunked.warc": (1, {WARCINFO: 1, REQUEST: 1}, 0, "http://www.iana.org/"),
    "warcio-example-wget-bad-target-uri.warc.gz": (1, {**WGET, REQUEST: 1}, 0, "http://example.com/"),
    "warcio-example-resource.warc.gz": (1, {WARCINFO: 2}, 0, "http://example.com/"),
    "warcio-example.arc.gz": (1, {"record_type:filedesc": 1}, 0, "http://example.com/"),
    "resiliparse-clueweb-quirk.warc.gz": (29, {WARCINFO: 1}, 0, None),
}


@pytest.mark.skipif(not CRAWL.is_dir(), reason=f"real crawl files {CRAWL} are absent (they live in ../shared)")
@pytest.mark.parametrize("name", sorted(REAL))
def test_real_crawl_files(name):
    n_docs, skipped, n_dead, url = REAL[name]
    path = CRAWL / name
    with open(path, "rb") as stream:
        records = list(read_file(stream, str(path), detect_format(str(path)), 5_000_000))
    docs = [r for k, r in records if k == "doc"]
    reasons: dict = {}
    for kind, r in records:
        if kind == "skip":
            reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
    assert (len(docs), reasons, sum(k == "dead" for k, _ in records)) == (n_docs, skipped, n_dead)
    assert all(d["url"] and not d["url"].startswith("<") for d in docs)
    assert all(d["crawl_date"] for d in docs)
    assert url is None or url in {d["url"] for d in docs}
    assert all(b"\r\n0\r\n" not in d["html"][-16:] and not d["html"].startswith(b"001c") for d in docs)
