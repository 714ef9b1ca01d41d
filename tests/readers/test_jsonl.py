import gzip
import io
import json

import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from synthsieve.readers.files import read_file
from synthsieve.readers.jsonl import read_jsonl

JSONL_REASONS = {
    "too_large", "invalid_utf8", "invalid_json", "truncated_file", "not_an_object", "invalid_unicode",
    "missing_text", "text_not_string",
}  # fmt: skip

ROWS = [
    {"id": "a", "text": "first text", "url": "https://x.org/1", "date": "2021-05-01", "author": "kim"},
    {"id": 7, "text": "second text", "timestamp": "2024-01-01T00:00:00Z", "metadata": {"lang": "en"}},
    {"text": "no id here"},
]


def _encode(rows) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode()


def _read(data: bytes, name: str):
    return list(read_file(io.BytesIO(data), name, "jsonl", max_bytes=10_000))


def test_plain_gzip_and_zstd_give_the_same_documents():
    data = _encode(ROWS)
    plain = _read(data, "d.jsonl")
    assert _read(gzip.compress(data), "d.jsonl.gz") == [(k, {**r, "source_uri": "d.jsonl.gz"}) for k, r in plain]
    zst = _read(zstandard.ZstdCompressor().compress(data), "d.jsonl.zst")
    assert [r["text"] for _, r in zst] == ["first text", "second text", "no id here"]


def test_fields_map_to_provenance_and_extras_to_metadata():
    (_, a), (_, b), (_, c) = _read(_encode(ROWS), "d.jsonl")
    assert (a["id"], a["url"], a["crawl_date"]) == ("a", "https://x.org/1", "2021-05-01")
    assert a["metadata"] == {"author": "kim"}
    assert (b["id"], b["crawl_date"], b["metadata"]) == ("7", "2024-01-01T00:00:00Z", {"lang": "en"})
    assert c["id"] is None and (a["source_offset"], c["source_offset"]) == (1, 3)


def test_bad_lines_become_dead_letters_with_reasons():
    lines = [ROWS[0], '{"id": "cut", "text": "half a li', {"id": "x"}, "[1, 2]", "", {"text": 5}]
    records = _read(_encode(lines) + b'{"text": "\xff\xfe"}\n', "d.jsonl")
    kinds = [(k, r.get("reason"), r["source_offset"]) for k, r in records]
    assert kinds == [
        ("doc", None, 1),
        ("dead", "invalid_json", 2),
        ("dead", "missing_text", 3),
        ("dead", "not_an_object", 4),
        ("dead", "text_not_string", 6),
        ("dead", "invalid_utf8", 7),
    ]


def test_oversized_line_is_dead_lettered():
    records = list(read_file(io.BytesIO(_encode([{"text": "x" * 500}])), "d.jsonl", "jsonl", max_bytes=100))
    assert records[0][0] == "dead" and records[0][1]["reason"] == "too_large"


def test_truncated_gzip_ends_with_one_dead_letter():
    data = gzip.compress(_encode(ROWS * 50))
    records = _read(data[: len(data) // 2], "d.jsonl.gz")
    assert records[-1][0] == "dead" and records[-1][1]["reason"] == "truncated_file"
    assert all(kind == "doc" for kind, _ in records[:-1]) and len(records) > 1


def test_hostile_lines_each_get_their_reason():
    lines = [
        b"[" * 9_000,  # nesting that exhausts the JSON decoder's recursion
        b'{"text": "half \\ud800 a surrogate pair"}',
        b'{"text": "a whole pair \\ud83d\\ude00"}',
        b"\x00\x01\x02 binary",
    ]
    records = _read(b"\n".join(lines) + b'\n{"text": "cut off at the end of the fi', "d.jsonl")
    assert [(k, r.get("reason")) for k, r in records] == [
        ("dead", "invalid_json"),
        ("dead", "invalid_unicode"),
        ("doc", None),
        ("dead", "invalid_json"),
        ("dead", "truncated_file"),
    ]
    assert records[2][1]["text"] == "a whole pair \U0001f600"


def test_reading_goes_on_after_an_oversized_line():
    data = _encode([{"text": "x" * 50_000}, {"text": "after"}]) + b"y" * 30_000  # the last line has no newline
    records = list(read_file(io.BytesIO(data), "d.jsonl", "jsonl", max_bytes=1_000))
    assert [(k, r.get("reason"), r.get("message")) for k, r in records] == [
        ("dead", "too_large", "50013 bytes"),  # the whole line, newline included
        ("doc", None, None),
        ("dead", "too_large", "30000 bytes"),
    ]
    assert len(records[0][1]["raw"]) <= 1_000


def test_corrupt_gzip_member_ends_with_one_dead_letter():
    data = bytearray(gzip.compress(_encode([{"text": f"row {i} {i * i:x}"} for i in range(3000)]), mtime=0))
    data[len(data) // 2 : len(data) // 2 + 64] = bytes(64)
    records = _read(bytes(data), "d.jsonl.gz")
    assert records[-1][1]["reason"] == "truncated_file"
    assert [r["text"] for _, r in records[:1000]] == [f"row {i} {i * i:x}" for i in range(1000)]  # before the damage


_LINE = st.one_of(
    st.binary(max_size=200).map(lambda b: b.replace(b"\n", b" ")),
    st.dictionaries(st.sampled_from(["id", "text", "url", "date", "x"]), st.one_of(st.text(), st.integers())).map(
        lambda d: json.dumps(d, ensure_ascii=bool(len(d) % 2)).encode()
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=20), st.booleans())
def test_fuzzed_jsonl_gives_one_record_per_line_and_never_raises(lines, newline_at_end):
    data = b"\n".join(lines) + (b"\n" if newline_at_end else b"")
    # the line reader itself: read_file first refuses a file that starts like another format (test_crawl_formats.py)
    records = list(read_jsonl(io.BytesIO(data), "f.jsonl", max_bytes=150))
    expected = [i for i, line in enumerate(lines, start=1) if line.strip()]
    assert [r["source_offset"] for _, r in records] == expected
    for kind, record in records:
        if kind == "doc":
            record["text"].encode("utf-8")  # every document can be written
        else:
            assert record["reason"] in JSONL_REASONS and record["message"].encode("utf-8")


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=2_000))
def test_fuzzed_cut_of_a_gzip_file_never_raises(cut):
    data = gzip.compress(_encode(ROWS * 30), mtime=0)[:cut]
    records = _read(data, "d.jsonl.gz")
    assert all(k == "doc" for k, _ in records[:-1]) and all(r["source_offset"] > 0 for _, r in records)
