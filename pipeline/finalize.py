"""The job's last step, inside the Beam graph: once every sink has finished, count the staged shards, publish them
and write the manifest.

It runs on a worker, not in the process that submitted the job, because a Dataflow Flex Template launcher only
describes the job (``--template_location``) and exits before any worker starts: whatever the submitting process did
after ``run()`` would happen before the job had written anything.
"""

from __future__ import annotations

import time
from typing import Any

import apache_beam as beam

from synthsieve.pipeline.annotate import LM_DETECTOR
from synthsieve.pipeline.manifest import count_outputs, lm_scored
from synthsieve.pipeline.outputs import MANIFEST, delete_existing, join, publish, write_json
from synthsieve.pipeline.staged import SCORED
from synthsieve.schemas.records import score_column


class Finalize(beam.PTransform):
    """Publishes ``staging`` into ``output`` and writes ``output/_manifest.json`` after every one of ``written``.

    Args:
        staging: the folder the sinks wrote into.
        output: the run's output folder.
        header: the manifest's fields known before the run (inputs, config, versions, options).
        started: ``time.time()`` when the job was submitted.
        written: the sinks' results (their file names); all of them are side inputs, so the step waits for them.
    """

    def __init__(self, staging: str, output: str, header: dict[str, Any], started: float, written: list):
        super().__init__()
        self.staging, self.output, self.header, self.started, self.written = staging, output, header, started, written

    def expand(self, pbegin):
        waits = [beam.pvalue.AsList(files) for files in self.written]
        return (
            pbegin
            | "Once" >> beam.Create([None])
            | "PublishAndWriteManifest"
            >> beam.Map(_finalize, self.staging, self.output, self.header, self.started, *waits)
        )


def _finalize(_, staging: str, output: str, header: dict[str, Any], started: float, *_written) -> dict[str, Any]:
    """Deletes the staged scored batches, counts what ``staging`` holds, moves it into ``output`` and writes the
    manifest last (the success marker)."""
    delete_existing([join(staging, SCORED)])
    elapsed = time.time() - started
    counts = count_outputs(staging)
    manifest = {
        **header,
        "seconds": round(elapsed, 3),
        "documents_per_second": round(counts["documents_read"] / elapsed, 1) if elapsed else None,
        **counts,
    }
    if header["config"]["lm"]["enabled"]:
        manifest["lm_scored"] = lm_scored(staging, score_column(LM_DETECTOR, "p"))
    publish(staging, output)
    write_json(join(output, MANIFEST), manifest)
    return manifest
