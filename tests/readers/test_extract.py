"""Extraction in a child process with a per-record time limit."""

import os
import signal
import threading

import pytest

from synthsieve.readers.extract import Extractor
from synthsieve.readers.html_guard import HtmlRejected

from builders import HUMAN_TEXT, SYNTHETIC_TEXT, page

OK = page(HUMAN_TEXT).encode()
# Parsing is quadratic in the attributes of a tag: 200,000 take minutes. With the attribute limit lifted, only the
# time limit stops it.
SLOW = ("<html><body><div " + " ".join(f"a{i}" for i in range(200_000)) + ">x</div></body></html>").encode()


def _outcomes(results):
    return [r.reason if isinstance(r, HtmlRejected) else r[0][:2] for r in results]


def _as_data(results):
    return [(r.reason, str(r)) if isinstance(r, HtmlRejected) else r for r in results]


@pytest.fixture
def child():
    extractor = Extractor(512, 10**9, timeout_s=1.0)
    yield extractor
    extractor.close()


def test_child_and_in_process_extraction_agree():
    bodies = [OK, page(SYNTHETIC_TEXT).encode(), b"<div>" * 600, b"", b"\xff\xfe<\x00p\x00>\x00"]
    in_process = Extractor(512, 1_000).extract_all(bodies)
    with_limit = Extractor(512, 1_000, timeout_s=30.0)
    assert _as_data(with_limit.extract_all(bodies)) == _as_data(in_process)
    assert _outcomes(in_process)[2] == "html_too_deep"
    with_limit.close()


def test_a_record_over_the_time_limit_is_dead_lettered_and_the_next_one_extracted(child):
    assert _outcomes(child.extract_all([OK, SLOW, OK])) == ["ok", "extract_timeout", "ok"]


def test_a_child_that_dies_on_a_record_costs_that_record_only(child):
    child.extract_all([OK])
    pid = child._child.process.pid
    killer = threading.Timer(0.3, os.kill, (pid, signal.SIGKILL))  # while it parses SLOW, which takes minutes
    killer.start()
    assert _outcomes(child.extract_all([SLOW, OK])) == ["extract_crashed", "ok"]
    killer.join()


def test_a_child_that_died_between_batches_is_replaced(child):
    child.extract_all([OK])
    process = child._child.process
    process.kill()
    process.wait()
    assert _outcomes(child.extract_all([OK])) == ["ok"]
