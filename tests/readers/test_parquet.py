import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthsieve.readers.files import read_file

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
