"""DoFns whose class state the tests read back: imported by reference, so the tasks of an in-process Dask cluster
share it with the test (the Dask tests' own module travels by value, and its classes with it)."""

from __future__ import annotations

import threading

import apache_beam as beam


class Lifecycle(beam.DoFn):
    """Keeps every instance set up and torn down; fails on the element ``fail``."""

    set_up: list = []
    torn_down: list = []

    def __init__(self, fail: int):
        self.fail = fail

    def setup(self):
        self.set_up.append(self)

    def process(self, n: int):
        if n == self.fail:
            raise ValueError("bad element")
        yield n

    def teardown(self):
        self.torn_down.append(self)


class Blocked(beam.DoFn):
    """Holds each element until ``release`` is set."""

    release = threading.Event()

    def process(self, n: int):
        self.release.wait(timeout=60)
        yield n
