"""Builders of small real input files for the tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample" / "corpus"
DEV_SET = REPO.parent / "shared" / "data" / "labeled" / "dev.jsonl.gz"
CRAWL = REPO.parent / "shared" / "data" / "crawl"  # real files of real crawlers (third-party test data)

HUMAN_TEXT = (
    "ok so i finally fixed the rear derailleur on my old steel commuter, took me three evenings and one "
    "very bent hanger. the trick nobody tells you: loosen the cable first, THEN play with the limit screws, "
    "otherwise you chase your tail for an hour. also my neighbour Gary lent me his alignment tool which he "
    "bought in 1994 at a shop that doesn't exist anymore. chain still skips on the 3rd cog under load but "
    "thats probably the cassette being worn to bits. will report back after the sunday ride."
)
SYNTHETIC_TEXT = (
    "Certainly! Here is an overview of the topic. In today's fast-paced world, maintaining a bicycle is "
    "more important than ever. Moreover, regular maintenance not only extends the lifespan of your bike but "
    "also enhances safety and performance. Furthermore, it is important to note that a well-adjusted "
    "derailleur ensures smooth and efficient gear changes. In conclusion, by following these simple steps, "
    "cyclists can enjoy a seamless riding experience. I hope this helps! Regenerate response"
)


def warc_record(headers: dict[str, str], block: bytes) -> bytes:
    """One uncompressed WARC/1.1 record."""
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode() + block + b"\r\n\r\n"


def http_response(html: str, content_type: str = "text/html; charset=utf-8", extra: str = "") -> bytes:
    """An HTTP/1.1 200 response block."""
    body = html.encode()
    return f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n{extra}\r\n".encode() + body


def response_record(uri: str, html: str, date: str = "2024-03-01T12:00:00Z", **kw) -> bytes:
    """A WARC response record for ``uri`` holding ``html``."""
    headers = {
        "WARC-Type": "response",
        "WARC-Target-URI": uri,
        "WARC-Date": date,
        "WARC-Record-ID": f"<urn:uuid:{hashlib.sha256(uri.encode()).hexdigest()[:12]}-0000-0000-0000-000000000000>",
        "Content-Type": "application/http; msgtype=response",
    }
    return warc_record(headers, http_response(html, **kw))


def page(text: str, head: str = "") -> str:
    """A small HTML page with navigation chrome around an article holding ``text``."""
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split(". "))
    return (
        f"<html><head><title>t</title>{head}</head><body><nav><a href='/'>Home</a> <a href='/x'>About</a></nav>"
        f"<article>{paragraphs}</article><footer>(c) site</footer></body></html>"
    )


NOUNS = "cat house river teacher market engine garden city letter window song village road doctor cloud".split()
VERBS = "sees builds paints finds moves opens keeps visits writes carries watches follows".split()


def toy_sentence(rng, synthetic: bool) -> str:
    """A toy sentence in assistant style (connectives, favoured adjectives) or in chatty human style."""
    noun, verb, other = rng.choice(NOUNS), rng.choice(VERBS), rng.choice(NOUNS)
    if synthetic:
        opener = rng.choice(["Moreover", "Furthermore", "Additionally", "Overall", "Notably"])
        adjective = rng.choice(["vibrant", "crucial", "seamless", "pivotal"])
        return f"{opener}, the {noun} {verb} a {adjective} {other} with remarkable care."
    return rng.choice([f"so the {noun} {verb} my {other} lol", f"i think my {noun} {verb} it!!", f"{noun}? yeah ok."])


def toy_rows(n: int = 240, seed: int = 0, datasets=("outfox", "l2r", "argugpt"), mixed_in: str = "l2r") -> list[dict]:
    """Varied toy labelled rows; argugpt has no humans (like the real one), every 7th row of ``mixed_in`` is mixed.

    Variety matters: fastText ends in "Encountered NaN" on trivially separable files.
    """
    import random

    rng = random.Random(seed)
    rows = []
    for i in range(n):
        dataset = datasets[i % len(datasets)]
        label = "synthetic" if dataset == "argugpt" or i % 2 else "human"
        label = "mixed" if dataset == mixed_in and i % 7 == 0 else label
        text = " ".join(toy_sentence(rng, label != "human") for _ in range(rng.randint(3, 12)))
        generator = "human" if label == "human" else ("gpt-4", "llama-2-70b", "claude-3-opus")[i % 3]
        rows.append(
            {
                "id": str(i), "text": text, "label": label, "dataset": dataset, "lang": "en",
                "group": f"{dataset}:{i // 2}", "generator": generator, "domain": "toy", "attack": "none",
            }
        )  # fmt: skip
    return rows


def with_content_length(record: bytes, length: int) -> bytes:
    """``record`` with its WARC Content-Length header replaced (the block is unchanged): a lying record."""
    head, sep, rest = record.partition(b"\r\n\r\n")
    lines = [
        f"Content-Length: {length}".encode() if line.startswith(b"Content-Length:") else line
        for line in head.split(b"\r\n")
    ]
    return b"\r\n".join(lines) + sep + rest


def raw_response_record(uri: str, body: bytes, content_type: str = "text/html", digest: bool = False) -> bytes:
    """A WARC response record with a raw byte body (binary data, other encodings); ``digest`` adds a correct
    WARC-Block-Digest."""
    import base64
    import hashlib

    block = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode() + body
    headers = {"WARC-Type": "response", "WARC-Target-URI": uri, "Content-Type": "application/http; msgtype=response"}
    if digest:
        headers["WARC-Block-Digest"] = "sha1:" + base64.b32encode(hashlib.sha1(block).digest()).decode()
    return warc_record(headers, block)


def raw_document(text: str, offset: int, url="https://blog.example.com/p", date="2021-03-04", id=None) -> dict:
    """A raw record as the readers give it: JSONL text from ``mem.jsonl`` at ``offset``."""
    return {
        "id": id, "text": text, "html": None, "url": url, "published_date": date, "crawl_date": None,
        "warc_record_id": None, "content_type": None, "metadata": None,
        "source_uri": "mem.jsonl", "source_offset": offset, "source_format": "jsonl",
    }  # fmt: skip


def parquet_bytes(table):
    """``table`` written as Parquet into a seekable in-memory file."""
    import io

    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(table, buf)
    buf.seek(0)
    return buf
