"""DuckDB reads of a hand-written output folder: counts, histogram, near-duplicate rate and the sample."""

import io
import json
import tempfile
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthsieve.pipeline.outputs import DEAD_LETTERS, FILES_READ, MANIFEST
from synthsieve.report import write
from synthsieve.report.output_folder import MONTH, NONE_KEY, OutputFolder, ReportError
from synthsieve.report.settings import ReportSettings

MARCH, APRIL = datetime(2024, 3, 31, 23, 0, tzinfo=UTC), datetime(2024, 4, 1, 1, 0, tzinfo=UTC)


def _docs(rows):
    keys = ("id", "text", "content_hash", "domain", "crawl_date", "p_synthetic", "n_words", "near_dup_cluster")
    return pa.table({k: [r[i] for r in rows] for i, k in enumerate(keys)})


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "label=human").mkdir()
    (tmp_path / "label=synthetic").mkdir()
    pq.write_table(_docs([
        ("h1", "one two three", "c3", "a.com", MARCH, 0.1, 3, "h1"),
        ("h2", "four five", "c1", "a.com", APRIL, 0.25, 2, "h2"),
        ("h3", "four five", "c2", "b.org", None, 0.34, 2, "h2"),
    ]), tmp_path / "label=human" / "part-0.parquet")  # fmt: skip
    pq.write_table(
        _docs([("s1", "six", "c0", "a.com", APRIL, 1.0, 1, "s1")]), tmp_path / "label=synthetic" / "p.parquet"
    )
    (tmp_path / DEAD_LETTERS).mkdir(parents=True)
    pq.write_table(
        pa.table({"reason": ["invalid_json", "empty_text", "invalid_json"]}), tmp_path / DEAD_LETTERS / "p.parquet"
    )
    (tmp_path / MANIFEST).write_text(json.dumps({"documents_read": 7}))
    return OutputFolder(tmp_path)


def test_counts_per_label_and_per_key(folder):
    assert folder.label_counts() == {"human": 3, "synthetic": 1, "uncertain": 0}
    assert folder.breakdown("domain") == [
        {"key": "a.com", "human": 2, "synthetic": 1, "uncertain": 0, "total": 3},
        {"key": "b.org", "human": 1, "synthetic": 0, "uncertain": 0, "total": 1},
    ]
    assert folder.breakdown("domain", limit=1)[0]["key"] == "a.com"
    months = {r["key"]: r["total"] for r in folder.breakdown(MONTH, by_key=True)}
    assert months == {"2024-03": 1, "2024-04": 2, NONE_KEY: 1}  # crawl months in UTC


def test_histogram_bins_p_synthetic_with_one_in_the_last_bin(folder):
    assert folder.histogram(5) == {"human": [1, 2, 0, 0, 0], "synthetic": [0, 0, 0, 0, 1], "uncertain": [0] * 5}
    assert folder.not_scored() == {"human": 0, "synthetic": 0, "uncertain": 0}


def test_documents_no_detector_scored_are_counted_apart_from_the_histogram(folder):
    (folder.path / "label=uncertain").mkdir()
    pq.write_table(
        _docs([("u1", "kurz", "c9", None, APRIL, None, 1, "u1"), ("u2", "mid", "c8", "b.org", APRIL, 0.5, 1, "u2")]),
        folder.path / "label=uncertain" / "p.parquet",
    )
    again = OutputFolder(folder.path)
    assert again.histogram(2) == {"human": [3, 0], "synthetic": [0, 1], "uncertain": [0, 1]}
    assert again.not_scored() == {"human": 0, "synthetic": 0, "uncertain": 1}
    assert again.breakdown("domain")[-1] == {"key": NONE_KEY, "human": 0, "synthetic": 0, "uncertain": 1, "total": 1}


def test_partition_near_duplicate_rate_and_mean_length(folder):
    assert folder.partition("human") == {"documents": 3, "mean_words": pytest.approx(7 / 3),
                                         "near_dup_rate": pytest.approx(1 - 2 / 3)}  # fmt: skip
    assert folder.partition("uncertain") == {"documents": 0, "mean_words": None, "near_dup_rate": None}


def test_sample_is_in_content_hash_order_and_capped(folder):
    assert folder.sample("human") == ["four five", "four five", "one two three"]  # c1, c2, c3
    assert folder.sample("human", max_docs=1) == ["four five"]
    assert folder.sample("human", max_words=4) == ["four five", "four five"]  # the third starts at word 4
    assert folder.sample("human", month="2024-03") == ["one two three"]
    assert folder.sample("human", month=NONE_KEY) == ["four five"]


def test_shard_counts_and_manifest(folder):
    assert folder.shard_counts(DEAD_LETTERS, "reason") == {"invalid_json": 2, "empty_text": 1}
    assert folder.shard_counts("_accounting/deduplicated", "label") == {}
    assert folder.manifest == {"documents_read": 7}


def test_a_folder_without_output_is_refused(tmp_path):
    with pytest.raises(ReportError, match="not a synthsieve output folder"):
        OutputFolder(tmp_path)


def test_a_run_without_document_shards_reads_as_empty(tmp_path):
    (tmp_path / MANIFEST).write_text("{}")
    empty = OutputFolder(tmp_path)
    assert empty.label_counts() == {"human": 0, "synthetic": 0, "uncertain": 0}
    assert empty.histogram(2) == {"human": [0, 0], "synthetic": [0, 0], "uncertain": [0, 0]}
    assert empty.not_scored() == {"human": 0, "synthetic": 0, "uncertain": 0}


@pytest.fixture
def copies(tmp_path, monkeypatch):
    """The folder that temporary copies go to, empty."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return tmp_path / "tmp"


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def test_a_remote_folder_is_copied_only_as_far_as_the_report_reads_and_deleted_on_close(s3, s3_folder, copies):
    human = _docs([("h1", "one two", "c1", "a.com", MARCH, 0.1, 2, "h1")])
    s3.put(f"{s3_folder}/label=human/part-0.parquet", _parquet(human))
    s3.put(f"{s3_folder}/{DEAD_LETTERS}/part-0.parquet", _parquet(pa.table({"reason": ["invalid_json"]})))
    s3.put(f"{s3_folder}/{FILES_READ}/part-0.parquet", _parquet(pa.table({"documents_read": [2]})))
    s3.put(f"{s3_folder}/{MANIFEST}", b'{"documents_read": 2}')
    with OutputFolder(s3_folder) as folder:
        [copy] = copies.iterdir()
        copied = sorted(str(p.relative_to(copy)) for p in copy.rglob("*") if p.is_file())
        assert copied == sorted([MANIFEST, f"{DEAD_LETTERS}/part-0.parquet", "label=human/part-0.parquet"])
        assert folder.label_counts()["human"] == 1 and folder.shard_counts(DEAD_LETTERS, "reason") == {
            "invalid_json": 1
        }
    assert not any(copies.iterdir())


def test_the_copy_of_a_remote_folder_without_output_is_deleted_with_the_error(s3, s3_folder, copies):
    s3.put(f"{s3_folder}/notes.txt", b"not an output")
    with pytest.raises(ReportError, match="not a synthsieve output folder"):
        OutputFolder(s3_folder)
    assert not any(copies.iterdir())


def test_the_report_deletes_its_copies_when_a_later_folder_is_refused(s3, s3_folder, copies, tmp_path, monkeypatch):
    opened = []  # held here: the copies must go when the report is done with them, not when nothing holds them

    class Kept(OutputFolder):
        def __init__(self, path):
            super().__init__(path)
            opened.append(self)

    monkeypatch.setattr(write, "OutputFolder", Kept)
    s3.put(f"{s3_folder}/run/{MANIFEST}", b"{}")
    s3.put(f"{s3_folder}/other/notes.txt", b"not an output")
    with pytest.raises(ReportError, match="other is not a synthsieve output folder"):
        write.write_report(f"{s3_folder}/run", None, [f"{s3_folder}/other"], tmp_path / "r.html", ReportSettings())
    assert len(opened) == 1 and not any(copies.iterdir())
