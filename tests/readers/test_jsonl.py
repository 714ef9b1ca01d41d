import gzip
import io
import json

import zstandard

from synthsieve.readers.files import read_file

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
    assert (a["id"], a["url"], a["date"], a["metadata"]) == ("a", "https://x.org/1", "2021-05-01", {"author": "kim"})
    assert (b["id"], b["date"], b["metadata"]) == ("7", "2024-01-01T00:00:00Z", {"lang": "en"})
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
