import gzip
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthsieve.readers.files import read_file
from synthsieve.readers.warc import NotWarc, read_warc

from builders import HUMAN_TEXT, page, raw_response_record, response_record, warc_record, with_content_length

WARC_REASONS = {
    "no_http_headers", "too_large", "undecodable_body", "truncated_record", "content_length_mismatch",
    "invalid_record", "digest_mismatch", "binary_body",
}  # fmt: skip


def test_response_records_become_documents_and_others_are_skipped(write_warc):
    path = write_warc(
        [
            warc_record({"WARC-Type": "warcinfo", "Content-Type": "application/warc-fields"}, b"software: test\r\n"),
            response_record(
                "https://www.example.co.uk/a",
                page(HUMAN_TEXT),
                extra="Last-Modified: Tue, 15 Nov 2021 08:12:31 GMT\r\n",
            ),
            response_record("https://example.org/logo.png", "\x89PNG", content_type="image/png"),
            warc_record({"WARC-Type": "revisit", "WARC-Target-URI": "https://example.org/"}, b""),
        ]
    )
    with open(path, "rb") as stream:
        records = list(read_file(stream, str(path), "warc", max_bytes=100_000))
    assert [(k, r.get("reason")) for k, r in records] == [
        ("skip", "record_type:warcinfo"),
        ("doc", None),
        ("skip", "not_text:image/png"),
        ("skip", "record_type:revisit"),
    ]
    assert records[2][1]["url"] == "https://example.org/logo.png"
    doc = records[1][1]
    assert doc["url"] == "https://www.example.co.uk/a" and doc["crawl_date"] == "2024-03-01T12:00:00Z"
    assert doc["warc_record_id"].startswith("<urn:uuid:") and doc["id"] == doc["warc_record_id"]
    assert doc["metadata"] == {"last_modified": "Tue, 15 Nov 2021 08:12:31 GMT"}
    assert b"derailleur" in doc["html"] and doc["source_offset"] > 0


def test_oversized_body_is_dead_lettered(write_warc):
    path = write_warc([response_record("https://a.com/", page("x " * 5000))])
    with open(path, "rb") as stream:
        records = list(read_file(stream, str(path), "warc", max_bytes=1000))
    assert records[0][1]["reason"] == "too_large"


def _records(n: int) -> list[bytes]:
    return [response_record(f"https://site{i}.example.org/p", page(HUMAN_TEXT)) for i in range(n)]


def _read(data: bytes, max_bytes: int = 100_000) -> list[tuple[str, str, int]]:
    """(kind, URL of a document or reason of a dead letter, offset) per record."""
    records = read_warc(io.BytesIO(data), "f.warc", max_bytes)
    return [(kind, r["url"] if kind == "doc" else r["reason"], r["source_offset"]) for kind, r in records]


def _layout(records: list[bytes], gz: bool) -> tuple[bytes, list[int]]:
    """The file's bytes and each record's offset in it."""
    parts = [gzip.compress(r, mtime=0) for r in records] if gz else records
    return b"".join(parts), [sum(map(len, parts[:i])) for i in range(len(parts))]


@pytest.mark.parametrize("gz", [False, True])
def test_a_record_cut_by_the_end_of_the_file_is_truncated_record(gz):
    data, offsets = _layout(_records(3), gz)
    assert _read(data[:-150]) == [
        ("doc", "https://site0.example.org/p", 0),
        ("doc", "https://site1.example.org/p", offsets[1]),
        ("dead", "truncated_record", offsets[2]),
    ]


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("delta", [-300, 300])
def test_a_lying_content_length_costs_its_record_and_reading_resumes(gz, delta):
    records = _records(4)
    records[1] = with_content_length(records[1], int(records[1].split(b"Content-Length: ")[1].split(b"\r")[0]) + delta)
    data, offsets = _layout(records, gz)
    assert sorted(_read(data), key=lambda r: r[2]) == [
        ("doc", "https://site0.example.org/p", 0),
        ("dead", "content_length_mismatch", offsets[1]),
        ("doc", "https://site2.example.org/p", offsets[2]),
        ("doc", "https://site3.example.org/p", offsets[3]),
    ]


@pytest.mark.parametrize("gz", [False, True])
def test_a_content_length_beyond_the_end_of_the_file_hides_no_record(gz):
    records = _records(4)
    records[1] = with_content_length(records[1], 10**9)
    data, offsets = _layout(records, gz)
    assert _read(data) == [
        ("doc", "https://site0.example.org/p", 0),
        ("dead", "truncated_record", offsets[1]),
        ("doc", "https://site2.example.org/p", offsets[2]),
        ("doc", "https://site3.example.org/p", offsets[3]),
    ]


def test_damaged_gzip_members_cost_only_their_records():
    members = [gzip.compress(r, mtime=0) for r in _records(4)]
    garbage = b"not gzip at all " * 8
    data = members[0] + garbage + members[1] + members[2][: len(members[2]) // 2] + members[3]
    start = [0, len(members[0]) + len(garbage)]
    start += [start[1] + len(members[1]), start[1] + len(members[1]) + len(members[2]) // 2]
    assert sorted(_read(data), key=lambda r: r[2]) == [
        ("doc", "https://site0.example.org/p", 0),
        ("doc", "https://site1.example.org/p", start[1]),
        ("dead", "invalid_record", start[2]),
        ("doc", "https://site3.example.org/p", start[3]),
    ]


def test_binary_bodies_labelled_html_and_bad_digests_are_dead_lettered():
    records = [
        raw_response_record("https://a.org/logo", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        raw_response_record("https://a.org/nul", b"<html>\x00\x00\x00\x00 garbage"),
        raw_response_record("https://a.org/utf16", "\ufeff<html><p>hello</p></html>".encode("utf-16-le")),
        raw_response_record("https://a.org/signed", b"<p>signed and intact</p>", digest=True),
        raw_response_record("https://a.org/forged", b"<p>signed</p>", digest=True).replace(b"signed", b"forged"),
    ]
    data, offsets = _layout(records, gz=True)
    assert _read(data) == [
        ("dead", "binary_body", 0),
        ("dead", "binary_body", offsets[1]),
        ("doc", "https://a.org/utf16", offsets[2]),
        ("doc", "https://a.org/signed", offsets[3]),
        ("dead", "digest_mismatch", offsets[4]),
    ]


def test_an_oversized_record_is_skipped_without_reading_it_whole():
    big = raw_response_record("https://a.org/big", b"<p>" + b"x" * 3_000_000 + b"</p>")
    data, offsets = _layout([big, *_records(1)], gz=True)
    assert _read(data, max_bytes=1_000_000) == [
        ("dead", "too_large", 0),
        ("doc", "https://site0.example.org/p", offsets[1]),
    ]


def test_a_file_with_no_warc_record_raises_and_an_empty_one_is_empty():
    with pytest.raises(NotWarc, match="not a WARC file"):
        _read(b'{"text": "json lines, not WARC"}\n' * 5)
    with pytest.raises(NotWarc):
        _read(gzip.compress(b"gzip, but not WARC\n"))
    assert _read(b"") == []
    assert _read(warc_record({"WARC-Type": "warcinfo"}, b"software: x\r\n")) == [("skip", "record_type:warcinfo", 0)]


@settings(max_examples=150, deadline=None)
@given(
    st.booleans(),
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from(["cut", "flip", "insert", "zero"]),
    st.binary(min_size=1, max_size=64),
)
def test_fuzzed_warc_never_raises_and_keeps_every_record_before_the_damage(gz, where, how, junk):
    data, offsets = _layout(_records(6), gz)
    at = where % len(data)
    damaged = {
        "cut": data[:at],
        "flip": data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :],
        "insert": data[:at] + junk + data[at:],
        "zero": data[:at] + bytes(len(junk)) + data[at + len(junk) :],
    }[how]
    try:
        records = _read(damaged)
    except NotWarc:
        assert at < offsets[1]  # only when the first record is damaged
        return
    intact = [i for i in range(len(offsets) - 1) if i + 2 < len(offsets) and offsets[i + 2] <= at]
    docs = {offset: url for kind, url, offset in records if kind == "doc"}
    assert all(docs.get(offsets[i]) == f"https://site{i}.example.org/p" for i in intact)
    assert all(kind == "doc" or url in WARC_REASONS or kind == "skip" for kind, url, _ in records)
