from synthsieve.readers.files import read_file

from builders import HUMAN_TEXT, page, response_record, warc_record


def test_response_records_become_documents_and_others_are_skipped(write_warc):
    path = write_warc(
        [
            warc_record({"WARC-Type": "warcinfo", "Content-Type": "application/warc-fields"}, b"software: test\r\n"),
            response_record(
                "https://www.example.co.uk/a",
                page(HUMAN_TEXT),
                extra="Last-Modified: Tue, 15 Nov 2021 08:12:31 GMT\r\n",
            ),
            response_record("https://example.org/logo.png", "\x89PNG", content_type="image/png"),
            warc_record({"WARC-Type": "revisit", "WARC-Target-URI": "https://example.org/"}, b""),
        ]
    )
    with open(path, "rb") as stream:
        records = list(read_file(stream, str(path), "warc", max_bytes=100_000))
    assert [(k, r.get("reason")) for k, r in records] == [("doc", None), ("dead", "unsupported_content_type")]
    doc = records[0][1]
    assert doc["url"] == "https://www.example.co.uk/a" and doc["crawl_date"] == "2024-03-01T12:00:00Z"
    assert doc["warc_record_id"].startswith("<urn:uuid:") and doc["id"] == doc["warc_record_id"]
    assert doc["metadata"] == {"last_modified": "Tue, 15 Nov 2021 08:12:31 GMT"}
    assert b"derailleur" in doc["html"] and doc["source_offset"] > 0


def test_oversized_body_is_dead_lettered(write_warc):
    path = write_warc([response_record("https://a.com/", page("x " * 5000))])
    with open(path, "rb") as stream:
        records = list(read_file(stream, str(path), "warc", max_bytes=1000))
    assert records[0][1]["reason"] == "too_large"
