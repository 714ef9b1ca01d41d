"""The run's accounting, computed in the graph from the records its sinks write (``pipeline.tally``).

Each written PCollection is tallied a bundle at a time (one small ``Tally`` per bundle, whatever the runner: the
Dask runner groups a combiner's inputs without lifting it), and one combiner sums the tallies into the singleton
that the final step reads as a side input: no step holds the documents or the dead letters of the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam.transforms.window import GlobalWindows

from synthsieve.pipeline.tally import Tally


class TallyFn(beam.DoFn):
    """Records written under ``folder`` in, one ``Tally`` of each bundle's records out.

    Args:
        folder: the folder of the run that the records are written to (its rows are checked against the shards).
        add: counts one record (a dict, or a pyarrow Table of rows) into a tally (``pipeline.tally.add_*``); None
            counts only the rows.
    """

    def __init__(self, folder: str, add: Callable[[Tally, Any], None] | None):
        self.folder, self.add = folder, add

    def start_bundle(self):
        self.tally = Tally()

    def process(self, record):
        if self.add is not None:
            self.add(self.tally, record)
        self.tally.rows[self.folder] += record.num_rows if isinstance(record, pa.Table) else 1

    def finish_bundle(self):
        yield GlobalWindows.windowed_value(self.tally)


class SumTalliesFn(beam.CombineFn):
    """Sums tallies; merging is exact, so any split of the work gives the same."""

    def create_accumulator(self) -> Tally:
        return Tally()

    def add_input(self, acc: Tally, tally: Tally) -> Tally:
        return acc.merge(tally)

    def merge_accumulators(self, accumulators: Iterable[Tally]) -> Tally:
        total = Tally()
        for acc in accumulators:
            total.merge(acc)
        return total

    def extract_output(self, acc: Tally) -> Tally:
        return acc


class SumTallies(beam.PTransform):
    """The tallies of every written PCollection (a tuple of ``TallyFn`` outputs) in; their sum, one ``Tally``, out."""

    def expand(self, tallies):
        return tallies | "AllTallies" >> beam.Flatten() | "SumTallies" >> beam.CombineGlobally(SumTalliesFn())
