from synthsieve.provenance.ids import content_hash, normalize_text, stable_id


def test_normalisation_ignores_case_width_and_spacing():
    assert normalize_text("  Hello\u3000WORLD\n\tagain ") == "hello world again"
    assert content_hash("Hello  world") == content_hash("hello world\n")
    assert content_hash("hello world") != content_hash("hello world!")
    assert len(content_hash("x")) == 32  # 128 bits, hex


def test_stable_id_depends_on_file_name_offset_and_content_only():
    digest = content_hash("text")
    assert stable_id("gs://a/b/crawl.jsonl", 3, digest) == stable_id("/local/crawl.jsonl", 3, digest)
    assert stable_id("crawl.jsonl", 3, digest) != stable_id("crawl.jsonl", 4, digest)
    assert stable_id("crawl.jsonl", 3, digest).startswith("ss-")
