"""The committed sample corpus is exactly what ``sample/generate.py`` writes, and its files hold what README says."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import zstandard
from fastwarc.warc import ArchiveIterator, WarcRecordType

SAMPLE = Path(__file__).resolve().parents[2] / "sample"
CORPUS = SAMPLE / "corpus"
FILES = ["articles.parquet", "blogs.jsonl.zst", "crawl.warc.gz", "forum.jsonl", "news.jsonl.gz"]
# The table in sample/README.md.
WARC_RECORDS = {"warcinfo": 1, "request": 15, "response": 15, "revisit": 1}
WARC_PAGES = 13
FORUM_DOCS, FORUM_BAD_LINES, FORUM_WITHOUT_ID = 13, 2, 1
NEWS_DOCS, BLOG_DOCS, ARTICLE_DOCS = 12, 11, 9


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(SAMPLE / "generate.py"), "--out", str(out)], check=True)
    return out


def test_generate_writes_the_five_files(regenerated: Path) -> None:
    assert sorted(path.name for path in regenerated.iterdir()) == FILES


@pytest.mark.parametrize("name", FILES)
def test_committed_file_is_byte_identical_to_a_fresh_one(regenerated: Path, name: str) -> None:
    assert (regenerated / name).read_bytes() == (CORPUS / name).read_bytes(), f"rerun sample/generate.py ({name})"


def test_warc_records_parse_with_the_expected_types_and_lengths() -> None:
    types: Counter[str] = Counter()
    for record in ArchiveIterator(str(CORPUS / "crawl.warc.gz"), parse_http=False):
        assert record.verify_block_digest(consume=False), record.headers["WARC-Record-ID"]
        assert len(record.reader.read()) == int(record.headers["Content-Length"]) == record.content_length
        types[record.headers["WARC-Type"]] += 1
    assert types == WARC_RECORDS


def test_warc_html_pages() -> None:
    pages = 0
    for record in ArchiveIterator(str(CORPUS / "crawl.warc.gz"), record_types=WarcRecordType.response):
        body = record.reader.read()
        assert record.http_headers.status_code == 200
        pages += record.http_content_type == "text/html" and b"<article>" in body
    assert pages == WARC_PAGES


def test_forum_jsonl_holds_two_bad_lines_and_a_post_without_id() -> None:
    posts, bad = [], 0
    for line in (CORPUS / "forum.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            continue
        if "text" in record:
            posts.append(record)
        else:
            bad += 1
    assert (len(posts), bad, sum("id" not in post for post in posts)) == (
        FORUM_DOCS,
        FORUM_BAD_LINES,
        FORUM_WITHOUT_ID,
    )


def test_compressed_and_parquet_document_counts() -> None:
    news = gzip.decompress((CORPUS / "news.jsonl.gz").read_bytes()).decode().splitlines()
    blogs = zstandard.ZstdDecompressor().decompress((CORPUS / "blogs.jsonl.zst").read_bytes()).decode().splitlines()
    assert all("text" in json.loads(line) and "date" in json.loads(line) for line in news)
    assert all("timestamp" in json.loads(line) for line in blogs)
    articles = pq.read_table(CORPUS / "articles.parquet")
    assert articles.column_names == ["id", "text", "url", "date", "source"]
    assert (len(news), len(blogs), articles.num_rows) == (NEWS_DOCS, BLOG_DOCS, ARTICLE_DOCS)
