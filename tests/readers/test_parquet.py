import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthsieve.readers.files import parquet_parts, read_file
from synthsieve.readers.parquet import row_group_parts

from builders import parquet_bytes


def test_rows_become_documents_with_row_offsets():
    table = pa.table({"id": ["a", None], "text": ["one", "two"], "url": ["https://a.com", None], "lang": ["en", "de"]})
    records = list(read_file(parquet_bytes(table), "f.parquet", "parquet", max_bytes=1000, batch_size=1))
    assert [(k, r["id"], r["source_offset"], r["metadata"]) for k, r in records] == [
        ("doc", "a", 0, {"lang": "en"}),
        ("doc", None, 1, {"lang": "de"}),
    ]


def test_missing_text_column_dead_letters_every_row():
    records = list(read_file(parquet_bytes(pa.table({"body": ["x", "y", "z"]})), "f.parquet", "parquet", 1000))
    assert [(k, r["reason"]) for k, r in records] == [("dead", "missing_text")] * 3


def test_a_corrupt_row_group_dead_letters_its_rows_and_the_next_group_is_read():
    texts = [f"text number {i} " * 20 for i in range(30)]
    buf = io.BytesIO()
    pq.write_table(pa.table({"text": texts}), buf, row_group_size=10, compression="zstd")
    data = bytearray(buf.getvalue())
    column = pq.ParquetFile(io.BytesIO(bytes(data))).metadata.row_group(1).column(0)
    start = column.dictionary_page_offset or column.data_page_offset
    data[start : start + column.total_compressed_size] = b"\xaa" * column.total_compressed_size
    records = list(read_file(io.BytesIO(bytes(data)), "f.parquet", "parquet", 10_000, batch_size=4))
    assert [(k, r.get("reason"), r["source_offset"]) for k, r in records] == [
        *[("doc", None, i) for i in range(10)],
        *[("dead", "corrupt_row_group", i) for i in range(10, 20)],
        *[("doc", None, i) for i in range(20, 30)],
    ]
    assert records[25][1]["text"] == texts[25]


def test_invalid_utf8_in_a_string_column_costs_only_its_row():
    raw = pa.array([b"fine", b"bad \xff\xfe bytes", b"also fine"], pa.binary())
    strings = pa.Array.from_buffers(pa.string(), 3, raw.buffers())  # a writer that did not validate its strings
    records = list(read_file(parquet_bytes(pa.table({"text": strings})), "f.parquet", "parquet", 1000))
    assert [(k, r.get("reason"), r["source_offset"]) for k, r in records] == [
        ("doc", None, 0),
        ("dead", "invalid_utf8", 1),
        ("doc", None, 2),
    ]


def test_wrong_column_types_and_oversized_texts_are_dead_lettered_per_row():
    table = pa.table({"text": [["a", "list"], None], "id": [1, 2]})
    assert [r["reason"] for _, r in read_file(parquet_bytes(table), "f.parquet", "parquet", 1000)] == [
        "text_not_string",
        "missing_text",
    ]
    big = pa.table({"text": ["é" * 600, "short"]})  # 1,200 bytes of UTF-8 in 600 characters
    assert [r.get("reason") for _, r in read_file(parquet_bytes(big), "f.parquet", "parquet", 1000)] == [
        "too_large",
        None,
    ]


def test_a_file_that_is_not_parquet_raises():
    with pytest.raises(pa.ArrowInvalid):
        list(read_file(io.BytesIO(b'{"text": "json, not parquet"}\n' * 10), "f.parquet", "parquet", 1000))


def _groups(sizes: list[int]) -> io.BytesIO:
    """A Parquet file whose row groups hold ``sizes`` rows of distinct texts (zstd, so sizes differ by rows)."""
    buf = io.BytesIO()
    with pq.ParquetWriter(buf, pa.schema([("text", pa.string())]), compression="zstd") as writer:
        n = 0
        for size in sizes:
            writer.write_table(pa.table({"text": [f"text {n + i} " * 30 for i in range(size)]}))
            n += size
    buf.seek(0)
    return buf


def test_row_group_parts_cover_every_group_once_in_runs_of_about_the_split_size():
    metadata = pq.ParquetFile(_groups([10] * 7)).metadata
    group_bytes = metadata.row_group(0).column(0).total_compressed_size
    assert row_group_parts(metadata, 2 * group_bytes) == [(0, 2), (2, 4), (4, 6), (6, 7)]
    assert row_group_parts(metadata, 1) == [(g, g + 1) for g in range(7)]  # a group larger than the split: alone
    assert row_group_parts(metadata, 1 << 40) == [(0, 7)]
    assert row_group_parts(pq.ParquetFile(_groups([])).metadata, 1) == [(0, 0)]


def test_the_parts_of_a_file_read_apart_give_its_records_once_with_their_file_offsets():
    sizes = [3, 5, 2, 4]
    whole = [(k, r["source_offset"], r["text"]) for k, r in read_file(_groups(sizes), "f.parquet", "parquet", 10**6)]
    parts = parquet_parts(_groups(sizes), "f.parquet", 1)
    assert [p.row_groups for p in parts] == [(0, 1), (1, 2), (2, 3), (3, 4)]
    apart = [
        (k, r["source_offset"], r["text"])
        for part in parts
        for k, r in read_file(_groups(sizes), part.path, "parquet", 10**6, row_groups=part.row_groups)
    ]
    assert apart == whole and [offset for _, offset, _ in whole] == list(range(sum(sizes)))
