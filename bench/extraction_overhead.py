"""CPU cost of the HTML extraction limits: plain resiliparse (two parses, no checks) against ``html_to_text`` in
process (markup checks, one parse) and through the time-limited child process (parent + child CPU).

    .venv/bin/python bench/extraction_overhead.py CRAWL.warc.gz [--repeat 3]

Prints one JSON line per repetition.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding

from synthsieve.provenance.html_meta import parse_html_meta
from synthsieve.readers.extract import Extractor
from synthsieve.readers.warc import read_warc


def plain(body: bytes):
    """What extraction did before the limits."""
    html = bytes_to_str(body, detect_encoding(body))
    text = extract_plain_text(html, main_content=True, alt_texts=False, links=False, list_bullets=True)
    return text.strip(), parse_html_meta(html)


def child_cpu(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warc")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with open(args.warc, "rb") as stream:
        bodies = [doc["html"] for kind, doc in read_warc(stream, args.warc, 5_000_000) if kind == "doc"]
    in_process, sandboxed = Extractor(512, 1_000), Extractor(512, 1_000, timeout_s=30.0)
    sandboxed.extract_all(bodies[:1])  # start the child outside the timing
    pid = sandboxed._child.process.pid
    for _ in range(args.repeat):
        row = {"documents": len(bodies), "mean_html_kib": round(sum(map(len, bodies)) / len(bodies) / 1024, 1)}
        start = time.process_time()
        reference = [plain(body) for body in bodies]
        row["plain_cpu_s"] = round(time.process_time() - start, 3)
        start = time.process_time()
        checked = in_process.extract_all(bodies)
        row["in_process_cpu_s"] = round(time.process_time() - start, 3)
        start, child = time.process_time(), child_cpu(pid)
        through_child = sandboxed.extract_all(bodies)
        row["child_parent_cpu_s"] = round(time.process_time() - start, 3)
        row["child_cpu_s"] = round(child_cpu(pid) - child, 3)
        row["same_text_and_meta"] = reference == checked == through_child
        print(json.dumps(row), flush=True)
    sandboxed.close()


if __name__ == "__main__":
    main()
