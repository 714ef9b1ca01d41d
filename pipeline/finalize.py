"""The job's last step, inside the Beam graph: once every sink has finished, publish the staged shards and write the
manifest from the run's accounting (counted in the graph as the shards were written, ``pipeline.accounting``),
checked against the shards' Parquet footers: the step reads no document and no dead letter.

It runs on a worker, not in the process that submitted the job, because a Dataflow Flex Template launcher only
describes the job (``--template_location``) and exits before any worker starts: whatever the submitting process did
after ``run()`` would happen before the job had written anything.
"""

from __future__ import annotations

import time
from typing import Any

import apache_beam as beam

from synthsieve.pipeline.manifest import shards_differ, summarize
from synthsieve.pipeline.outputs import SCORED, delete_tree, join, shard_rows, staging_folder
from synthsieve.pipeline.publish import PublishError, publish
from synthsieve.pipeline.tally import Tally
from synthsieve.schemas.records import LABELS


class Finalize(beam.PTransform):
    """Publishes the run's staged shards into ``output`` and writes ``output/_manifest.json`` after every one of
    ``written`` (``pipeline.publish``: a retry of this step, or a rerun, after a crash while publishing converges).

    Args:
        output: the run's output folder.
        header: the manifest's fields known before the run (run id, inputs, config, versions, options).
        started: ``time.time()`` when the job was submitted.
        written: the sinks' results (their file names); all of them are side inputs, so the step waits for them.
        accounting: the run's ``Tally`` (one element), read as a singleton side input.
    """

    def __init__(self, output: str, header: dict[str, Any], started: float, written: list, accounting):
        super().__init__()
        self.output, self.header, self.started, self.written = output, header, started, written
        self.accounting = accounting

    def expand(self, pbegin):
        waits = [beam.pvalue.AsList(files) for files in self.written]
        tally = beam.pvalue.AsSingleton(self.accounting)
        return (
            pbegin
            | "Once" >> beam.Create([None])
            | "PublishAndWriteManifest" >> beam.Map(_finalize, self.output, self.header, self.started, tally, *waits)
        )


def _finalize(_, output: str, header: dict[str, Any], started: float, tally: Tally, *_written) -> dict[str, Any]:
    """Publishes the staged shards with the manifest made from ``tally``; returns the manifest."""
    staging = staging_folder(output, header["run_id"])
    return publish(output, header["run_id"], lambda: _manifest(staging, header, started, tally))


def _manifest(staging: str, header: dict[str, Any], started: float, tally: Tally) -> dict[str, Any]:
    """Deletes the staged scored batches and makes the manifest from ``tally``, checked against the footers of what
    ``staging`` holds: shards without the rows counted are not published (``PublishError``)."""
    delete_tree(join(staging, SCORED))
    elapsed = time.time() - started
    rows = shard_rows(staging)
    if differ := shards_differ(tally.rows, rows):
        raise PublishError(f"the shards in {staging} do not hold the rows counted: (folder, counted, held) {differ}")
    counts = summarize(tally, rows)
    manifest = {
        **header,
        "seconds": round(elapsed, 3),
        "documents_per_second": round(counts["documents_read"] / elapsed, 1) if elapsed else None,
        **counts,
    }
    if header["config"]["lm"]["enabled"]:
        manifest["lm_scored"] = {label: tally.lm_scored[label] for label in LABELS}
    return manifest
