import io

import pyarrow as pa
import pyarrow.parquet as pq

from synthsieve.readers.files import read_file


def _parquet(table: pa.Table) -> io.BytesIO:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    buf.seek(0)
    return buf


def test_rows_become_documents_with_row_offsets():
    table = pa.table({"id": ["a", None], "text": ["one", "two"], "url": ["https://a.com", None], "lang": ["en", "de"]})
    records = list(read_file(_parquet(table), "f.parquet", "parquet", max_bytes=1000, batch_size=1))
    assert [(k, r["id"], r["source_offset"], r["metadata"]) for k, r in records] == [
        ("doc", "a", 0, {"lang": "en"}),
        ("doc", None, 1, {"lang": "de"}),
    ]


def test_missing_text_column_dead_letters_every_row():
    records = list(read_file(_parquet(pa.table({"body": ["x", "y", "z"]})), "f.parquet", "parquet", 1000))
    assert [(k, r["reason"]) for k, r in records] == [("dead", "missing_text")] * 3
