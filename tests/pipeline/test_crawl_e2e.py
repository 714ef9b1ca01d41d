"""A run over real files of real crawlers (../shared/data/crawl) and a WET file, with no config."""

import gzip
import json
from pathlib import Path

import duckdb
import pytest

from synthsieve.config import load_config
from synthsieve.pipeline.run import run_job

from builders import CRAWL, HUMAN_TEXT, warc_record

pytestmark = pytest.mark.skipif(not CRAWL.is_dir(), reason=f"real crawl files {CRAWL} are absent (../shared)")


def _wet(path: Path) -> Path:
    headers = {"WARC-Type": "conversion", "WARC-Date": "2024-02-20T10:00:00Z", "Content-Type": "text/plain"}
    records = [warc_record({"WARC-Type": "warcinfo", "Content-Type": "application/warc-fields"}, b"x: y\r\n")]
    records += [
        warc_record({**headers, "WARC-Target-URI": f"<https://news{i}.example.co.uk/a>"}, HUMAN_TEXT.encode())
        for i in range(2)
    ]
    path.write_bytes(b"".join(gzip.compress(r, mtime=0) for r in records))
    return path


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crawl")
    inputs = [str(p) for p in sorted(CRAWL.iterdir()) if p.suffix != ".md"] + [str(_wet(folder / "cc.warc.wet.gz"))]
    out = folder / "out"
    manifest = run_job(inputs, str(out), load_config(), ["--direct_running_mode=in_memory", "--direct_num_workers=1"])
    docs = duckdb.sql(
        f"select source_uri, source_format, url, domain, crawl_date, lang, label, reasons "
        f"from read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
    ).fetchall()
    return manifest, docs, out


def test_every_record_of_every_real_file_is_a_document_or_a_routine_skip(crawl):
    manifest, docs, _ = crawl
    assert manifest["balanced"] and not manifest["file_errors"] and manifest["dead_letter"]["total"] == 0
    documents = {
        Path(uri).name: sum(f[k] for k in ("human", "synthetic", "uncertain")) for uri, f in manifest["files"].items()
    }
    assert documents == {
        "dolma-cc_en_head-0091.jsonl.gz": 10, "dolma-provided-000.json.gz": 10, "dolma-sample-0000.warc.gz": 22,
        "resiliparse-clueweb-quirk.warc.gz": 29, "resiliparse-warcfile.warc.gz": 16,
        "warcio-example-iana.org-chunked.warc": 1, "warcio-example-resource.warc.gz": 1,
        "warcio-example-wget-bad-target-uri.warc.gz": 1, "warcio-example.arc.gz": 1, "warcio-example.warc.gz": 1,
        "cc.warc.wet.gz": 2,
    }  # fmt: skip
    assert set(manifest["skipped"]["by_reason"]) == {
        "record_type:warcinfo", "record_type:request", "record_type:metadata", "record_type:revisit",
        "record_type:filedesc", "not_text:text/plain",
    }  # fmt: skip


def test_urls_domains_and_crawl_dates_are_filled(crawl):
    _, docs, _ = crawl
    assert docs and all(url and not url.startswith("<") and domain and date for _, _, url, domain, date, *_ in docs)
    formats = {fmt for _, fmt, *_ in docs}
    assert formats == {"warc", "wet", "arc", "jsonl"}


def test_chunked_and_gzip_bodies_are_decoded(crawl):
    _, _, out = crawl
    texts = dict(
        duckdb.sql(
            f"select url, text from read_parquet('{out}/label=*/*.parquet') where url like '%iana.org%'"
        ).fetchall()
    )
    assert "Internet Assigned Numbers Authority" in texts["http://www.iana.org/"]
    assert not texts["http://www.iana.org/"].lstrip().startswith(("001c", "1c"))


def test_skipped_records_are_listed_with_their_reasons(crawl):
    manifest, _, out = crawl
    skipped = duckdb.sql(f"select reason, count(*) from '{out}/_accounting/skipped/*.parquet' group by 1")
    assert dict(skipped.fetchall()) == manifest["skipped"]["by_reason"]
    per_file = json.loads((out / "_manifest.json").read_text())["files"]
    assert all(f["balanced"] for f in per_file.values())
