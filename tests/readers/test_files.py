import pytest

from synthsieve.readers.files import UnsupportedFormat, detect_format


@pytest.mark.parametrize(
    "path, fmt",
    [
        ("a.jsonl", "jsonl"),
        ("a.jsonl.gz", "jsonl"),
        ("a.json.zst", "jsonl"),
        ("gs://b/x.parquet", "parquet"),
        ("CC-MAIN-1.warc.gz", "warc"),
        ("x.warc", "warc"),
    ],
)
def test_format_by_extension(path, fmt):
    assert detect_format(path) == fmt


def test_configured_format_wins_and_unknown_extension_fails_clearly():
    assert detect_format("dump.txt", "jsonl") == "jsonl"
    with pytest.raises(UnsupportedFormat, match="--format"):
        detect_format("dump.txt")
