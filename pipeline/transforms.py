"""Beam DoFns and PTransforms: thin wrappers that delegate to the pure readers and the Annotator."""

from __future__ import annotations

from typing import Any

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from synthsieve.config import Config
from synthsieve.readers.files import detect_format, read_file
from synthsieve.readers.records import dead_letter

DEAD_LETTER = "dead_letter"
FILE_STATS = "file_stats"


class ReadFileFn(beam.DoFn):
    """One input path in; batches of raw documents out, plus dead letters and the file's read count."""

    def __init__(self, config: Config):
        self.config = config

    def setup(self):
        self.read_counter = Metrics.counter("synthsieve", "documents_read")
        self.dead_counter = Metrics.counter("synthsieve", "dead_letter_read")

    def process(self, path: str):
        reader = self.config.reader
        fmt, batch, read = detect_format(path, reader.format), [], 0
        try:
            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
                for kind, record in read_file(stream, path, fmt, reader.max_document_bytes, reader.batch_size):
                    read += 1
                    if kind == "dead":
                        self.dead_counter.inc()
                        yield beam.pvalue.TaggedOutput(DEAD_LETTER, record)
                        continue
                    batch.append(record)
                    if len(batch) >= reader.batch_size:
                        yield batch
                        batch = []
        except Exception as exc:  # an unreadable or corrupt file must not end the run: it is dead-lettered
            yield beam.pvalue.TaggedOutput(
                DEAD_LETTER, dead_letter(path, -1, fmt, "open", "unreadable_file", f"{type(exc).__name__}: {exc}")
            )
        if batch:
            yield batch
        self.read_counter.inc(read)
        yield beam.pvalue.TaggedOutput(FILE_STATS, {"source_uri": path, "source_format": fmt, "documents_read": read})


class AnnotateFn(beam.DoFn):
    """A batch of raw documents in; one pyarrow Table per label out (tagged by label), plus dead letters."""

    def __init__(self, config: Config):
        self.config = config

    def setup(self):
        from synthsieve.pipeline.annotate import Annotator

        self.annotator = Annotator(self.config)  # models load once per worker, never per element
        self.counters: dict[str, Any] = {}

    def process(self, batch: list[dict[str, Any]]):
        result = self.annotator.annotate(batch)
        for letter in result.dead_letters:
            self._count(f"dead_letter:{letter['reason']}")
            yield beam.pvalue.TaggedOutput(DEAD_LETTER, letter)
        for label, table in self.annotator.tables(result.documents).items():
            self._count(f"label:{label}", table.num_rows)
            yield beam.pvalue.TaggedOutput(label, table)

    def _count(self, name: str, n: int = 1) -> None:
        if name not in self.counters:
            self.counters[name] = Metrics.counter("synthsieve", name)
        self.counters[name].inc(n)
