"""Beam's local batch engine (FnApiRunner) with worker processes that get the run's options and log at its level."""

from __future__ import annotations

import logging
import shlex
import sys
from typing import Any

from apache_beam.options.pipeline_options import PipelineOptions, WorkerOptions
from apache_beam.portability import python_urns
from apache_beam.portability.api import beam_provision_api_pb2
from apache_beam.runners.portability.fn_api_runner.fn_runner import ExtendedProvisionInfo, FnApiRunner
from google.protobuf import struct_pb2

#: A local worker process: Beam's SDK harness with its stderr log set up before Beam is imported, at ``{level}``.
#: Beam's own worker command logs its start-up at INFO before it reads any option, and importing Beam sets up a
#: root handler to warn that apitools is missing: both reached the terminal once per worker whatever the level.
_WORKER = """\
import logging, sys
logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
logging.root.handlers[0].setLevel(logging.ERROR)
from apache_beam.runners.worker import sdk_worker_main
logging.root.handlers[0].setLevel({level})
logging.getLogger(sdk_worker_main.__name__).setLevel(max({level}, logging.ERROR))  # start-up notes, not the job's
sdk_worker_main.main(sys.argv)
"""


class LocalRunner(FnApiRunner):
    """Beam's FnApiRunner whose worker processes (``direct_running_mode=multi_processing``) get the job's ``options``
    and log at ``level``: Beam starts them with no pipeline option, so they would log at INFO and know no
    filesystem option (an ``s3://`` input without its ``--s3_endpoint_url`` and keys)."""

    def __init__(self, level: int, options: dict[str, Any]):
        provisioned = struct_pb2.Struct()
        provisioned.update({**options, "default_sdk_harness_log_level": str(level)})
        super().__init__(
            provision_info=ExtendedProvisionInfo(beam_provision_api_pb2.ProvisionInfo(pipeline_options=provisioned))
        )
        self.worker_command = f"{shlex.quote(sys.executable)} -c {shlex.quote(_WORKER.format(level=level))}"

    def run_via_runner_api(self, pipeline_proto, options):
        for environment in pipeline_proto.components.environments.values():
            if environment.urn == python_urns.SUBPROCESS_SDK:  # the worker processes of multi_processing mode
                environment.payload = self.worker_command.encode()
        return super().run_via_runner_api(pipeline_proto, options)


def local_runner(options: PipelineOptions) -> LocalRunner | None:
    """A ``LocalRunner`` where ``options`` name Beam's FnApiRunner; else None: Beam makes the runner they name."""
    if options.get_all_options()["runner"] != "FnApiRunner":
        return None
    level = options.view_as(WorkerOptions).default_sdk_harness_log_level
    level = int(level) if level.isdecimal() else logging.getLevelNamesMapping().get(level, logging.INFO)
    # Strings but flags and lists: a protobuf Struct would turn integers into floats, which Beam's parser refuses.
    given = {
        k: v if isinstance(v, bool | list) else str(v) for k, v in options.get_all_options(drop_default=True).items()
    }
    return LocalRunner(level, given)
