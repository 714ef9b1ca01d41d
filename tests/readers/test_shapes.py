import gzip
import io
import json

import pyarrow as pa
import pytest

from synthsieve.readers.fields import FieldMap
from synthsieve.readers.files import read_file

from builders import CRAWL, parquet_bytes

SHAPES = {
    "dolma": {
        "id": "doc-1", "text": "a dolma text", "source": "common-crawl", "added": "2023-04-07T15:24:38Z",
        "created": "2020-03-29T09:04:10Z",
        "metadata": {"url": "http://a.example.com/1", "date_download": "2020-03-29T09:04:11Z", "language": "en"},
    },
    "dolma_cc_wet": {
        "id": "http://b.example.com/2016/post", "text": "a WET text", "created": "2020-03-29T08:44:21Z",
        "metadata": {"date_download": "2020-03-29T08:44:21Z", "cc_segment": "crawl-data/CC-MAIN-2020-16/x"},
    },
    "datatrove": {
        "id": "<urn:uuid:1>", "text": "a datatrove text",
        "metadata": {"url": "https://c.example.org/x", "date": "2024-02-20T12:00:00Z", "dump": "CC-MAIN-2024-10"},
    },
    "redpajama_v1": {"text": "a redpajama text", "meta": {"url": "https://d.example.net/", "timestamp": 1580000000}},
    "redpajama_v2": {
        "raw_content": "a redpajama v2 text", "doc_id": "2023-06/0000/en_head.json.gz/0",
        "meta": json.dumps({"url": "https://e.example.com/p", "date_download": "2023-06-01T10:00:00Z",
                            "source_domain": "e.example.com"}),
    },
    "oscar": {
        "content": "an oscar text",
        "warc_headers": {"warc-target-uri": "https://f.example.com/", "warc-date": "2021-09-17T05:07:40Z",
                         "warc-record-id": "<urn:uuid:f0>", "warc-type": "conversion"},
        "metadata": {"identification": {"label": "en", "prob": 0.9}},
    },
    "c4": {"text": "a c4 text", "url": "https://g.example.com/", "timestamp": "2019-04-25T12:57:54Z"},
    "fineweb": {
        "text": "a fineweb text", "id": "<urn:uuid:h>", "url": "https://h.example.com/",
        "date": "2024-02-20T12:00:00Z", "dump": "CC-MAIN-2024-10",
    },
}  # fmt: skip

EXPECTED = {  # text, id, url, crawl_date
    "dolma": ("a dolma text", "doc-1", "http://a.example.com/1", "2020-03-29T09:04:11Z"),
    "dolma_cc_wet": ("a WET text", "http://b.example.com/2016/post", "http://b.example.com/2016/post",
                     "2020-03-29T08:44:21Z"),
    "datatrove": ("a datatrove text", "<urn:uuid:1>", "https://c.example.org/x", "2024-02-20T12:00:00Z"),
    "redpajama_v1": ("a redpajama text", None, "https://d.example.net/", 1580000000),
    "redpajama_v2": ("a redpajama v2 text", "2023-06/0000/en_head.json.gz/0", "https://e.example.com/p",
                     "2023-06-01T10:00:00Z"),
    "oscar": ("an oscar text", "<urn:uuid:f0>", "https://f.example.com/", "2021-09-17T05:07:40Z"),
    "c4": ("a c4 text", None, "https://g.example.com/", "2019-04-25T12:57:54Z"),
    "fineweb": ("a fineweb text", "<urn:uuid:h>", "https://h.example.com/", "2024-02-20T12:00:00Z"),
}  # fmt: skip


def _read(rows: list[dict], fields: dict | None = None) -> list[tuple[str, dict]]:
    data = "".join(json.dumps(row) + "\n" for row in rows).encode()
    return list(read_file(io.BytesIO(data), "d.jsonl", "jsonl", 100_000, fields=fields))


def _doc(row: dict, fields: dict | None = None) -> dict:
    [(kind, record)] = _read([row], fields)
    assert kind == "doc", record
    return record


@pytest.mark.parametrize("shape", SHAPES)
def test_public_shapes_give_text_id_url_and_crawl_date(shape):
    doc = _doc(SHAPES[shape])
    assert (doc["text"], doc["id"], doc["url"], doc["crawl_date"]) == EXPECTED[shape]
    assert doc["published_date"] is None  # crawl times are no publication dates


def test_used_values_leave_metadata_and_the_rest_stays():
    assert _doc(SHAPES["dolma"])["metadata"] == {
        "language": "en", "source": "common-crawl", "added": "2023-04-07T15:24:38Z", "created": "2020-03-29T09:04:10Z",
    }  # fmt: skip
    assert _doc(SHAPES["redpajama_v2"])["metadata"] == {"source_domain": "e.example.com"}
    assert _doc(SHAPES["fineweb"])["metadata"] == {"dump": "CC-MAIN-2024-10"}
    oscar = _doc(SHAPES["oscar"])
    assert oscar["warc_record_id"] == "<urn:uuid:f0>" and "content" not in oscar["metadata"]
    assert json.loads(oscar["metadata"]["identification"]) == {"label": "en", "prob": 0.9}


def test_publication_fields_fill_published_date():
    doc = _doc({"text": "t", "date": "2024-01-01", "metadata": {"published_date": "2016-05-01"}})
    assert (doc["published_date"], doc["crawl_date"]) == ("2016-05-01", "2024-01-01")
    assert _doc({"text": "t", "date_published": "2015-01-01"})["published_date"] == "2015-01-01"


def test_an_id_that_is_no_url_gives_no_url_and_a_url_field_wins_over_the_id():
    assert _doc({"text": "t", "id": "doc-9"})["url"] is None
    assert _doc({"text": "t", "id": "http://a.example.com/", "url": "https://b.example.com/"})["url"] == (
        "https://b.example.com/"
    )


def test_a_meta_string_that_is_no_json_object_stays_in_metadata():
    doc = _doc({"text": "t", "meta": "not json {"})
    assert doc["url"] is None and doc["metadata"] == {"meta": "not json {"}


def test_a_meta_string_holding_a_lone_surrogate_escape_is_not_parsed():
    doc = _doc({"text": "t", "meta": json.dumps({"url": "https://x.example.com/\ud800"})})
    assert doc["url"] is None and json.dumps(doc, ensure_ascii=False).encode("utf-8")


def test_configured_paths_replace_the_defaults_and_the_first_non_empty_value_wins():
    fields = {"text": ["body", "content"], "url": ["meta.link", "page.url"], "crawl_date": ["fetch.at"]}
    row = {
        "body": "", "content": "the content", "text": "not this", "id": "http://id.example.com/",
        "meta": {"link": None}, "page": {"url": "https://page.example.com/"}, "fetch": {"at": "2020-01-01"},
    }  # fmt: skip
    doc = _doc(row, fields)
    assert (doc["text"], doc["url"], doc["crawl_date"]) == ("the content", "https://page.example.com/", "2020-01-01")
    assert doc["metadata"]["text"] == "not this"  # no longer a text path: kept
    assert _doc({"content": "c", "id": "http://id.example.com/"}, {"url": ["link"]})["url"] is None  # no id fallback


def test_missing_text_dead_letters_naming_the_paths_tried():
    (_, default), (_, wrong_type) = _read([{"body": "x"}, {"content": ["a", "list"]}])
    assert (default["reason"], default["message"]) == ("missing_text", "no text at text, raw_content, content")
    assert wrong_type["reason"] == "text_not_string" and "list" in wrong_type["message"]
    [(_, configured)] = _read([{"text": "x"}], {"text": ["page.body"]})
    assert (configured["reason"], configured["message"]) == ("missing_text", "no text at page.body")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": ["text"]}, "unknown field(s) ['body']"),
        ({"text": "body"}, "'text' expects a list of dotted paths, got 'body'"),
        ({"url": []}, "'url' needs at least one path"),
        ({"url": ["meta..link"]}, "'meta..link' is not a dotted path"),
    ],
)
def test_bad_field_maps_are_refused(fields, message):
    with pytest.raises(ValueError, match=None) as info:
        FieldMap.of(fields)
    assert message in str(info.value)


def test_parquet_struct_columns_and_a_content_column():
    table = pa.table({
        "content": ["first", "second"],
        "metadata": [{"url": "https://a.example.com/", "date": "2024-03-01"}, {"url": None, "date": None}],
        "lang": ["en", "de"],
    })  # fmt: skip
    records = list(read_file(parquet_bytes(table), "f.parquet", "parquet", 1_000))
    assert [(k, r["text"], r["url"], r["crawl_date"], r["metadata"]) for k, r in records] == [
        ("doc", "first", "https://a.example.com/", "2024-03-01", {"lang": "en"}),
        ("doc", "second", None, None, {"lang": "de"}),
    ]


def test_parquet_uses_the_configured_fields_and_checks_the_size_of_that_text():
    table = pa.table({"body": ["é" * 600, "short"], "page": [{"link": "https://x.example.com/"}] * 2})
    records = list(
        read_file(parquet_bytes(table), "f.parquet", "parquet", 1_000, fields={"text": ["body"], "url": ["page.link"]})
    )
    assert [(r.get("reason"), r.get("url")) for _, r in records] == [
        ("too_large", None),
        (None, "https://x.example.com/"),
    ]


@pytest.mark.skipif(not CRAWL.is_dir(), reason=f"real crawl files {CRAWL} are absent (CI without ../shared)")
@pytest.mark.parametrize("name", ["dolma-cc_en_head-0091.jsonl.gz", "dolma-provided-000.json.gz"])
def test_real_dolma_documents_get_a_url_and_a_crawl_date(name):
    path = CRAWL / name
    with path.open("rb") as stream:
        records = list(read_file(stream, str(path), "jsonl", 5_000_000))
    rows = [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]
    assert len(records) == len(rows) > 0 and all(kind == "doc" for kind, _ in records)
    for (_, doc), row in zip(records, rows):
        assert doc["url"] == row["metadata"].get("url", row["id"]) and doc["url"].startswith("http")
        assert doc["crawl_date"] == row["metadata"]["date_download"] and doc["published_date"] is None
