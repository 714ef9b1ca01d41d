"""A corpus of hostile input files, written by the tests: every bad record with the dead-letter reason it must get."""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from builders import (
    HUMAN_TEXT,
    SYNTHETIC_TEXT,
    page,
    raw_response_record,
    response_record,
    warc_record,
    with_content_length,
)

#: What the corpus needs of the config: the attribute limit lifted, so that only the time limit stops the
#: attribute bomb (parsing 200,000 attributes of one tag takes minutes; the limit is tested on its own).
CONFIG = "reader:\n  max_html_attributes: 1000000000\n  extract_timeout_s: 2\n"


@dataclass
class Corpus:
    """The files and what a run must make of them."""

    folder: Path
    inputs: list[str] = field(default_factory=list)
    dead: dict[tuple[str, int], str] = field(default_factory=dict)  # (file name, offset) -> reason
    skipped: dict[tuple[str, int], str] = field(default_factory=dict)  # (file name, offset) -> reason
    read: dict[str, int] = field(default_factory=dict)  # file name -> records read

    def add(
        self, name: str, data: bytes, read: int, dead: dict[int, str], skipped: dict[int, str] | None = None
    ) -> str:
        path = self.folder / name
        path.write_bytes(data)
        self.inputs.append(str(path))
        self.read[name] = read
        self.dead.update({(name, offset): reason for offset, reason in dead.items()})
        self.skipped.update({(name, offset): reason for offset, reason in (skipped or {}).items()})
        return str(path)


def _jsonl(lines: list) -> bytes:
    """JSON lines: objects are encoded, strings and bytes written as they are (broken lines)."""
    raw = {str: str.encode, bytes: bytes}
    return b"".join(raw.get(type(ln), lambda o: json.dumps(o).encode())(ln) + b"\n" for ln in lines)


def _members(records: list[bytes]) -> tuple[bytes, list[int]]:
    parts = [gzip.compress(r, mtime=0) for r in records]
    return b"".join(parts), [sum(map(len, parts[:i])) for i in range(len(parts))]


def _warc_records() -> tuple[bytes, int, dict[int, str], dict[int, str]]:
    """One .warc.gz with a record of every kind: good pages, hostile ones and one that is routinely skipped."""
    good = response_record("https://blog.example.org/derailleur", page(HUMAN_TEXT))
    lying = response_record("https://lying.example.org/", page(SYNTHETIC_TEXT))
    bomb = b"<div " + b" ".join(b"a%d" % i for i in range(200_000)) + b">"
    forged = raw_response_record("https://x.example.org/signed", b"<p>signed</p>", digest=True)
    records = [
        good,
        raw_response_record("https://img.example.org/cat", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
        raw_response_record("https://x.example.org/huge", b"<p>" + b"all work and no play " * 2_500_000 + b"</p>"),
        raw_response_record("https://x.example.org/empty", b""),
        raw_response_record("https://x.example.org/deep", b"<html><body>" + b"<div>" * 50_000 + b"x"),
        raw_response_record("https://x.example.org/bomb", bomb),
        raw_response_record("https://x.example.org/latin1", page(HUMAN_TEXT).encode("latin-1"), "text/html"),
        raw_response_record("https://x.example.org/logo.png", b"\x89PNG", "image/png"),
        warc_record({"WARC-Type": "response", "WARC-Target-URI": "dns:x.example.org"}, b"20240301 1.2.3.4\r\n"),
        forged.replace(b"<p>signed", b"<p>forged"),
        with_content_length(lying, len(lying) + 300),
        response_record("https://after.example.org/story", page(HUMAN_TEXT.replace("Gary", "Tom"))),
    ]  # fmt: skip
    data, at = _members(records)
    reasons = ["binary_body", "too_large", "empty_text", "html_too_deep", "extract_timeout", None,
               "skip", "no_http_headers", "digest_mismatch", "content_length_mismatch",
               None]  # fmt: skip
    dead = {at[i]: r for i, r in enumerate(reasons, start=1) if r and r != "skip"}
    return data, len(records), dead, {at[reasons.index("skip") + 1]: "not_text:image/png"}


def hostile_corpus(folder: Path) -> Corpus:
    """Writes the hostile input files to ``folder``."""
    corpus = Corpus(folder)
    lines = [
        {"id": "j1", "text": HUMAN_TEXT, "url": "https://forum.example.com/t/1", "date": "2019-06-01"},
        '{"id": "cut", "text": "a JSON line cut in ha',
        b'{"id": "latin1", "text": "caf\xe9"}',
        {"id": "empty", "text": ""},
        {"id": "nothing"},
        [1, 2, 3],
        '{"id": "surrogate", "text": "lone \\ud800 surrogate"}',
        "[" * 5_000,
        {"id": "big", "text": "x" * 6_000_000},
        {"id": "j2", "text": SYNTHETIC_TEXT, "url": "https://farm.example.net/a"},
        {"id": "long", "text": HUMAN_TEXT * 400},  # over max_text_chars: truncated, with a reason
    ]
    corpus.add("lines.jsonl", _jsonl(lines) + b'{"id": "end", "text": "the file ends mid-rec', 12, {
        2: "invalid_json", 3: "invalid_utf8", 4: "empty_text", 5: "missing_text", 6: "not_an_object",
        7: "invalid_unicode", 8: "invalid_json", 9: "too_large", 12: "truncated_file",
    })  # fmt: skip
    rows = [{"id": f"g{i}", "text": f"{HUMAN_TEXT} {hashlib.sha256(bytes(i)).hexdigest() * 4}"} for i in range(40)]
    cut = gzip.compress(_jsonl(rows), mtime=0)
    cut = cut[: len(cut) // 2]
    whole = zlib.decompressobj(wbits=31).decompress(cut).count(b"\n")  # lines before the gzip member breaks off
    corpus.add("cut.jsonl.gz", cut, whole + 1, {whole + 1: "truncated_file"})
    data, n, dead, skipped = _warc_records()
    corpus.add("crawl.warc.gz", data, n, dead, skipped)
    truncated, at = _members([response_record("https://t.example.org/1", page(HUMAN_TEXT))] * 2)
    corpus.add("truncated.warc.gz", truncated[:-120], 2, {at[1]: "truncated_record"})
    halves, at = _members([response_record(f"https://h.example.org/{i}", page(HUMAN_TEXT)) for i in range(3)])
    member = at[2] - at[1]
    corpus.add("damaged.warc.gz", halves[: at[1] + member // 2] + halves[at[2] :], 3, {at[1]: "invalid_record"})
    corpus.add("empty.warc", b"", 0, {})
    no_text = _parquet(pa.table({"body": ["a", "b", "c"]}))
    corpus.add("wrong_columns.parquet", no_text, 3, dict.fromkeys(range(3), "missing_text"))
    corpus.add("corrupt_group.parquet", _corrupt_row_group(), 6, dict.fromkeys(range(3, 6), "corrupt_row_group"))
    return corpus


def known_files(folder: Path) -> tuple[str, str, dict[tuple[str, int], tuple[str, str]]]:
    """A ``--known-human`` JSONL and a ``--known-synthetic`` WARC with a bad record each: (path, path, expected
    dead letters as (file name, offset) -> (role, reason))."""
    human = folder / "known_human.jsonl"
    human.write_bytes(_jsonl([{"text": HUMAN_TEXT, "source": "forum"}, "{not json"]))
    known_records = [response_record("https://k.example.org/", page(SYNTHETIC_TEXT))]
    known_records.append(raw_response_record("https://k.example.org/bin", bytes(100)))
    data, at = _members(known_records)
    known = folder / "known_synthetic.warc.gz"
    known.write_bytes(data)
    expected = {
        (human.name, 2): ("known_human", "invalid_json"),
        (known.name, at[1]): ("known_synthetic", "binary_body"),
    }
    return str(human), str(known), expected


def _parquet(table: pa.Table, **kwargs) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **kwargs)
    return sink.getvalue().to_pybytes()


def _corrupt_row_group() -> bytes:
    """Two row groups of three rows; the second one's text column overwritten with junk."""
    texts = [f"{HUMAN_TEXT} number {i}" for i in range(6)]
    data = bytearray(_parquet(pa.table({"text": texts}), row_group_size=3, compression="zstd"))
    column = pq.ParquetFile(pa.BufferReader(bytes(data))).metadata.row_group(1).column(0)
    start = column.dictionary_page_offset or column.data_page_offset
    data[start : start + column.total_compressed_size] = b"\xaa" * column.total_compressed_size
    return bytes(data)
