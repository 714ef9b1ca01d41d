"""Writes the labelled dev texts as a crawl, one HTML page per text in a .warc.gz, for WARC throughput figures.

Usage:
    python bench/dev_warc.py ../shared/data/labeled/dev.jsonl.gz OUT.warc.gz

The pages and records are the sample crawl's (``sample/crawl.py``: header, menu, article, footer; a request and a
response per capture, one gzip member per record), so a run on it adds gzip, WARC parsing and main-text extraction
to the JSONL run on the same texts. Derived from the dev set: never commit it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sample"))
from crawl import write_warc  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    with gzip.open(args.dev, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    docs = [
        {"key": r["id"], "url": f"https://site{i % 5000}.example/{r['id']}.html", "text": r["text"], "date": None,
         "lang": r["lang"]}
        for i, r in enumerate(rows)
    ]  # fmt: skip
    write_warc(args.out, docs)


if __name__ == "__main__":
    main()
