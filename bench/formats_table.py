"""The per-file table of docs/FORMATS.md: one run over real crawl files and fixtures of every corpus shape.

Writes one small file per public corpus shape (Dolma, datatrove, RedPajama v1/v2, OSCAR, C4, FineWeb as JSONL and
Parquet, a Common Crawl WET file), runs ``synthsieve run`` over them and ``../shared/data/crawl/*`` with no config,
and prints, per input file, the records read, documents, skipped records and dead letters by reason, and how many
documents have a URL, a registered domain and a crawl date.

    .venv/bin/python bench/formats_table.py [--crawl ../shared/data/crawl] [--work /tmp/formats]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
DUMP = "CC-MAIN-2024-10"
#: Project-written paragraphs: the fixtures' texts.
TEXTS = (
    "The harbour froze early that winter, and the ferry ran only twice a week. We carried groceries across the ice "
    "on a sled my uncle built from an old door, and nobody complained because the alternative was the long road.",
    "Our allotment society voted to stop using slug pellets this year. Beer traps work if you empty them every two "
    "days; copper tape did nothing for the lettuces, and the hedgehogs came back by June.",
    "The county library will close its mobile branch at the end of the month. The van visited eleven villages and "
    "lent about four hundred books a week, mostly large-print novels and children's picture books.",
)


def _wet(texts: list[str]) -> bytes:
    def record(headers: dict[str, str], block: bytes) -> bytes:
        head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        return gzip.compress(f"{head}Content-Length: {len(block)}\r\n\r\n".encode() + block + b"\r\n\r\n", mtime=0)

    info = record(
        {"WARC-Type": "warcinfo", "Content-Type": "application/warc-fields"}, b"isPartOf: CC-MAIN-2024-10\r\n"
    )
    pages = [
        record(
            {
                "WARC-Type": "conversion",
                "WARC-Target-URI": f"https://www.villagenews{i}.example.co.uk/story",
                "WARC-Date": f"2024-02-2{i}T10:00:00Z",
                "WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-00000000000{i}>",
                "WARC-Refers-To": f"<urn:uuid:00000000-0000-0000-0000-10000000000{i}>",
                "Content-Type": "text/plain",
            },
            text.encode(),
        )
        for i, text in enumerate(texts)
    ]
    return info + b"".join(pages)


def shapes() -> dict[str, list[dict]]:
    """One record per text in each public corpus shape (the fields their own readers and writers use)."""
    out: dict[str, list[dict]] = {}
    for i, text in enumerate(TEXTS):
        url, day = f"https://site{i}.example.org/post/{i}", f"2024-02-1{i}T08:00:00Z"
        meta = {"url": url, "date_download": day, "source_domain": f"site{i}.example.org"}
        warc_headers = {"warc-target-uri": url, "warc-date": day, "warc-record-id": f"<urn:uuid:o{i}>"}
        rows = {
            "dolma": {"id": f"d{i}", "text": text, "source": "cc", "added": "2024-04-01T00:00:00Z", "created": day,
                      "metadata": {"url": url, "date_download": day}},
            "datatrove": {"id": f"dt{i}", "text": text, "metadata": {"url": url, "date": day, "dump": DUMP}},
            "redpajama_v1": {"text": text, "meta": {"url": url, "timestamp": 1707552000 + i}},
            "redpajama_v2": {"raw_content": text, "doc_id": f"2024-10/0000/en_head.json.gz/{i}",
                             "meta": json.dumps(meta)},
            "oscar": {"content": text, "warc_headers": warc_headers},
            "c4": {"text": text, "url": url, "timestamp": day},
            "fineweb": {"text": text, "id": f"<urn:uuid:f{i}>", "url": url, "date": day, "dump": DUMP},
        }  # fmt: skip
        for shape, row in rows.items():
            out.setdefault(shape, []).append(row)
    return out


def write_fixtures(folder: Path) -> list[Path]:
    """The shape fixtures as files (JSONL, one Parquet per Parquet-published shape, a WET file)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for shape, rows in shapes().items():
        path = folder / f"{shape}.jsonl.gz"
        path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode(), mtime=0))
        paths.append(path)
        if shape in ("fineweb", "datatrove", "redpajama_v2"):
            paths.append(folder / f"{shape}.parquet")
            pq.write_table(pa.Table.from_pylist(rows), paths[-1])
    paths.append(folder / "CC-MAIN-example.warc.wet.gz")
    paths[-1].write_bytes(_wet(list(TEXTS)))
    return paths


def table(out: Path) -> str:
    """The markdown table of one run's output, per input file."""
    manifest = json.loads((out / "_manifest.json").read_text())
    docs = f"read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
    filled = {
        uri: (n, u, d, c)
        for uri, n, u, d, c in duckdb.sql(
            f"select source_uri, count(*), count(url), count(domain), count(crawl_date) from {docs} group by 1"
        ).fetchall()
    }
    reasons = _reasons(out / "_accounting" / "skipped"), _reasons(out / "_accounting" / "dead_letter")
    lines = [
        "| file | format | records | documents | skipped | dead letters | URL | domain | crawl date |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    formats = dict(duckdb.sql(f"select source_uri, source_format from '{out}/_accounting/files/*.parquet'").fetchall())
    for uri, entry in sorted(manifest["files"].items(), key=lambda kv: Path(kv[0]).name):
        n, url, domain, crawl = filled.get(uri, (0, 0, 0, 0))
        documents = sum(entry[label] for label in ("human", "synthetic", "uncertain"))
        skipped, dead = (", ".join(f"{r} {k}" for r, k in sorted(c.get(uri, {}).items())) or "0" for c in reasons)
        lines.append(
            f"| `{Path(uri).name}` | {formats[uri]} | {entry['read']} | {documents} | {skipped} | {dead} "
            f"| {url}/{n} | {domain}/{n} | {crawl}/{n} |"
        )
    return "\n".join(lines)


def _reasons(folder: Path) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    if not any(folder.glob("*.parquet")):
        return out
    for uri, reason, n in duckdb.sql(
        f"select source_uri, reason, count(*) from '{folder}/*.parquet' group by 1, 2"
    ).fetchall():
        out.setdefault(uri, {})[reason] = n
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--crawl", type=Path, default=REPO.parent / "shared" / "data" / "crawl")
    parser.add_argument("--work", type=Path, default=Path("/tmp/formats"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    inputs = [p for p in sorted(args.crawl.iterdir()) if p.suffix != ".md"] + write_fixtures(args.work / "shapes")
    out = args.work / "out"
    command = [str(REPO / ".venv" / "bin" / "synthsieve"), "--quiet", "run", *map(str, inputs), "--output", str(out)]
    run = subprocess.run(command, capture_output=True, text=True)
    print(run.stdout, file=sys.stderr)
    print(table(out))


if __name__ == "__main__":
    main()
