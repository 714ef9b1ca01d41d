"""Writes the bundled sample corpus from ``sample/texts.py``, byte-for-byte the same on every run.

Usage: ``python sample/generate.py [--out DIR]`` (default ``sample/corpus/``). Needs only the standard library,
pyarrow and zstandard. The documents of each kind are dealt round-robin over the five files; see sample/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import uuid
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard
from crawl import write_warc  # run as a script, so texts.py and crawl.py beside it import as top-level modules
from texts import DOCS, TRUNCATED_POST

SHARDS = ("crawl", "forum", "news", "blogs", "articles")
AUTHORS = ("rustbucket_77", "Mags", "dez.w", "quietfox", "PeteTheFixer", "lou_in_leeds", "hb1962")
NEWS_DUMP = "CC-MAIN-2024-10"
NEWS_WARC = "s3://commoncrawl/crawl-data/CC-MAIN-2024-10/segments/1707947474001.12/warc/CC-MAIN-00042.warc.gz"


def route(docs: list[dict]) -> dict[str, list[dict]]:
    """Deals the documents of each kind round-robin over the files, so that every file gets every kind."""
    shards: dict[str, list[dict]] = {name: [] for name in SHARDS}
    dealt: Counter[str] = Counter()
    for doc in docs:
        shards[SHARDS[dealt[doc["kind"]] % len(SHARDS)]].append(doc)
        dealt[doc["kind"]] += 1
    return shards


def _json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def _thread(url: str) -> str:
    return "t" + hashlib.sha1(url.encode()).hexdigest()[:8]


def _forum_record(n: int, doc: dict) -> dict:
    """A forum post; the second one has no ``id``, so a reader must make a stable one itself."""
    record = {
        "id": f"forum-{n + 1:04d}",
        "text": doc["text"],
        "url": doc["url"],
        "date": doc["date"],
        "source": "forum",
        "author": AUTHORS[n % len(AUTHORS)],
        "thread": _thread(doc["url"]),
    }
    if n == 1:
        del record["id"]
    return record


def forum_lines(docs: list[dict]) -> list[str]:
    """forum.jsonl: one post a line, with a line of JSON cut in half and an object without ``text`` among them."""
    lines = [_json_line(_forum_record(n, doc)) for n, doc in enumerate(docs)]
    url = "https://www.civicgarage-forums.com/threads/cabin-filter-2010.90554/"
    cut = _json_line({"id": "forum-9001", "text": TRUNCATED_POST, "url": url, "date": "2018-03-02", "source": "forum"})
    lines.insert(3, cut[: len(cut) // 2] + "\n")
    deleted = {
        "id": "forum-9002",
        "url": url + "#post-2",
        "date": "2018-03-02",
        "source": "forum",
        "author": "[deleted]",
        "thread": _thread(url),
        "deleted": True,
    }
    lines.insert(7, _json_line(deleted))
    return lines


def news_lines(docs: list[dict]) -> list[str]:
    """news.jsonl.gz: FineWeb-style rows (urn:uuid ids, dump, file_path, language)."""
    return [
        _json_line(
            {
                "text": doc["text"],
                "id": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, doc['url'])}>",
                "dump": NEWS_DUMP,
                "url": doc["url"],
                "date": doc["date"],
                "file_path": NEWS_WARC,
                "language": doc["lang"],
                "word_count": len(doc["text"].split()),
                "source": "news",
            }
        )
        for doc in docs
    ]


def blog_lines(docs: list[dict]) -> list[str]:
    """blogs.jsonl.zst: Dolma-style rows with ``timestamp`` instead of ``date`` and a ``metadata`` object."""
    return [
        _json_line(
            {
                "id": hashlib.sha1(doc["url"].encode()).hexdigest()[:20],
                "text": doc["text"],
                "source": "blogs",
                "url": doc["url"],
                "timestamp": doc["date"],
                "metadata": {"lang": doc["lang"], "author": AUTHORS[-1 - n % len(AUTHORS)]},
            }
        )
        for n, doc in enumerate(docs)
    ]


def write_parquet(path: Path, docs: list[dict]) -> None:
    """articles.parquet: string columns id, text, url, date, source; zstd-compressed."""
    columns = {
        "id": [f"art-{n + 1:05d}" for n in range(len(docs))],
        "text": [doc["text"] for doc in docs],
        "url": [doc["url"] for doc in docs],
        "date": [doc["date"] for doc in docs],
        "source": ["articles"] * len(docs),
    }
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    pq.write_table(table, path, compression="zstd")


def generate(out: Path) -> None:
    """Writes the five corpus files into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    shards = route(DOCS)
    write_warc(out / "crawl.warc.gz", shards["crawl"])
    (out / "forum.jsonl").write_bytes("".join(forum_lines(shards["forum"])).encode())
    (out / "news.jsonl.gz").write_bytes(gzip.compress("".join(news_lines(shards["news"])).encode(), mtime=0))
    blogs = "".join(blog_lines(shards["blogs"])).encode()
    (out / "blogs.jsonl.zst").write_bytes(zstandard.ZstdCompressor(level=19).compress(blogs))
    write_parquet(out / "articles.parquet", shards["articles"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "corpus",
        help="folder to write into (default: sample/corpus/)",
    )
    generate(parser.parse_args().out)


if __name__ == "__main__":
    main()
