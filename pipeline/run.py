"""Launches a synthsieve job: match inputs, run the Beam graph into staging, count, publish, write the manifest."""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import logging
import os
import time
from collections.abc import Sequence
from typing import Any

import apache_beam as beam
from apache_beam.options import pipeline_options as beam_options
from apache_beam.options.pipeline_options import DirectOptions, GoogleCloudOptions, PipelineOptions, WorkerOptions

from synthsieve import __version__
from synthsieve.config import Config
from synthsieve.pipeline import graph
from synthsieve.pipeline.finalize import Finalize
from synthsieve.pipeline.inputs import check_formats, check_output, input_sizes, match_inputs
from synthsieve.pipeline.local_runner import local_runner
from synthsieve.pipeline.models import load_annotator
from synthsieve.pipeline.outputs import MANIFEST, STAGING, delete_existing, join, read_json
from synthsieve.progress import Silent

BYTES_PER_PARTITION = 64 << 20
MIN_PARTITIONS = 4
FILES_PER_WORKER = 4  # with fewer input files per worker, read batches are shuffled across workers before scoring
LOCAL_RUNNERS = ("FnApiRunner", "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner")


class OptionsError(ValueError):
    """A pass-through flag is no Beam pipeline option, or lacks its value."""


def check_beam_flags(beam_args: list[str], own_flags: Sequence[str] = ()) -> None:
    """Fails on a flag that no Beam pipeline option defines (a typo would otherwise be dropped with a warning),
    naming the closest of Beam's and ``own_flags``, and on a Beam flag that takes a value but is not written
    ``--flag=value``."""
    parser = beam_options._BeamArgumentParser(allow_abbrev=False, add_help=False, exit_on_error=False)
    for cls in {str(c): c for c in PipelineOptions.__subclasses__()}.values():
        cls._add_argparse_args(parser)
    for arg in beam_args:
        try:
            parser.parse_known_args([arg])
        except argparse.ArgumentError:
            raise OptionsError(f"{arg} needs a value: write Beam options as {arg}=VALUE") from None
    unknown = [a for a in parser.parse_known_args(beam_args)[1] if a.startswith("--")]
    if unknown:
        known = [*own_flags, *(flag for action in parser._actions for flag in action.option_strings)]
        named = ", ".join(_with_closest(arg, known) for arg in unknown)
        raise OptionsError(f"unknown option {named}: neither synthsieve's nor a Beam pipeline option")


def _with_closest(arg: str, known: list[str]) -> str:
    closest = difflib.get_close_matches(arg.split("=", 1)[0], known, n=1)
    return f"{arg} (did you mean {closest[0]}?)" if closest else arg


def with_partitions(config: Config, n_bytes: int) -> Config:
    """The config with ``dedup.partitions`` fixed: as configured, else one per ``BYTES_PER_PARTITION`` of input,
    at least ``MIN_PARTITIONS`` (a clustering step holds one partition's band keys or signatures in memory)."""
    if config.dedup.partitions:
        return config
    parts = max(MIN_PARTITIONS, -(-n_bytes // BYTES_PER_PARTITION))
    return dataclasses.replace(config, dedup=dataclasses.replace(config.dedup, partitions=parts))


def workers(options: PipelineOptions) -> int:
    """How many workers the runner was given: ``direct_num_workers`` locally (1 in memory), else ``max_num_workers``
    or ``num_workers``; 0 when the options do not say (an autoscaling service picks)."""
    runner = options.get_all_options()["runner"] or "DirectRunner"
    if runner.rsplit(".", 1)[-1] in LOCAL_RUNNERS:
        direct = options.view_as(DirectOptions)
        return 1 if direct.direct_running_mode == "in_memory" else max(direct.direct_num_workers, 1)
    w = options.view_as(WorkerOptions)
    return w.max_num_workers or w.num_workers or 0


def with_rebalance(config: Config, sizes: list[int], n_workers: int) -> Config:
    """The config with ``reader.rebalance`` resolved to ``always`` or ``never``: ``auto`` shuffles the read batches
    unless there are at least ``FILES_PER_WORKER`` input files per known worker and no file (of the known ``sizes``)
    holds more than half of one worker's share. Fused reading and scoring keeps the documents out of a shuffle, but
    spreads the work only file by file."""
    if config.reader.rebalance != "auto":
        return config
    even = max(sizes, default=0) * 2 * n_workers <= sum(sizes)
    fused = n_workers > 0 and len(sizes) >= FILES_PER_WORKER * n_workers and even
    reader = dataclasses.replace(config.reader, rebalance="never" if fused else "always")
    return dataclasses.replace(config, reader=reader)


def pipeline_options(beam_args: list[str]) -> PipelineOptions:
    """Beam options from the pass-through flags; locally, an offline runner that uses every core: Beam's FnApiRunner,
    the batch engine that DirectRunner picks, named directly because DirectRunner first tries PrismRunner, which it
    downloads from GitHub at run time."""
    args = list(beam_args)
    if not any(a.startswith("--runner") for a in args):
        args += ["--runner=FnApiRunner"]
        if not any(a.startswith("--direct_running_mode") for a in args):
            args += ["--direct_running_mode=multi_processing"]
        if not any(a.startswith("--direct_num_workers") for a in args):
            args += [f"--direct_num_workers={os.cpu_count() or 1}"]
    if not any(a.startswith("--default_sdk_harness_log_level") for a in args):
        args += [f"--default_sdk_harness_log_level={logging.getLevelName(logging.getLogger().getEffectiveLevel())}"]
    return PipelineOptions(args)


def run_job(
    inputs: list[str],
    output: str,
    config: Config,
    beam_args: list[str],
    known_human: list[str] = (),
    known_synthetic: list[str] = (),
    progress: Silent | None = None,
) -> dict[str, Any] | None:
    """Runs the whole job and returns the manifest it wrote to ``output/_manifest.json``; None when the runner only
    described the job (``--template_location``, as a Flex Template launcher does): the job writes it when it ends.

    ``inputs`` are paths, globs or folders; ``known_human`` those of known-human text that calibrate per-source
    thresholds; ``known_synthetic`` of known-synthetic text whose near-duplicates are synthetic; ``progress`` shows
    the phases.
    """
    progress = progress or Silent()
    check_beam_flags(beam_args)
    fmt = config.reader.format
    with progress.phase("listing inputs") as say:
        paths, folders = match_inputs(inputs, fmt)
        known_human_paths, human_folders = match_inputs(list(known_human), fmt)
        known_synthetic_paths, synthetic_folders = match_inputs(list(known_synthetic), fmt)
        check_formats(paths + known_human_paths + known_synthetic_paths, fmt)
        check_output(
            output, paths + known_human_paths + known_synthetic_paths, folders + human_folders + synthetic_folders
        )
        sizes = input_sizes(paths)
        n_bytes = sum(sizes) + sum(input_sizes(known_synthetic_paths))
        config = with_partitions(config, n_bytes)
        say(f"{len(paths)} file(s), {n_bytes / 2**20:.1f} MiB")
    with progress.phase("loading detectors"):
        annotator = load_annotator(config)
    staging = join(output, STAGING)
    delete_existing([staging, join(output, MANIFEST)])  # no success marker while this run is under way
    options = pipeline_options(beam_args)
    config = with_rebalance(config, sizes, workers(options))
    header = {
        "pipeline_version": __version__,
        "detector_versions": annotator.detector_versions,
        "inputs": paths,
        "known_human": known_human_paths,
        "known_synthetic": known_synthetic_paths,
        "minhash": str(config.dedup.params()),
        "output": output,
        "config": config.to_dict(),
        "beam_args": beam_args,
        "beam_options": _effective(options),
    }
    started = time.time()
    with progress.job(), beam.Pipeline(local_runner(options), options=options) as pipeline:  # runs when it ends
        written = graph.build(
            pipeline, paths, staging, config, annotator.decider.schema, known_human_paths, known_synthetic_paths
        )
        pipeline | "Finalize" >> Finalize(staging, output, header, started, written)
    if options.view_as(GoogleCloudOptions).template_location:
        return None
    return read_json(join(output, MANIFEST))


def accounting_problems(manifest: dict[str, Any]) -> list[str]:
    """What makes a run fail after it wrote its output: input files that could not be read, and files whose
    records read are not all labelled, dead-lettered, skipped, deduplicated or used as known-human or known-synthetic
    documents."""
    problems = [f"cannot read {e['source_uri']} ({e['role']}): {e['message']}" for e in manifest["file_errors"]]
    entries = [*manifest["files"].items(), *manifest["known"]["files"].items()]
    for name, entry in entries:
        if not entry["balanced"]:
            counts = ", ".join(f"{k} {v}" for k, v in entry.items() if k not in ("balanced", "role"))
            problems.append(f"accounting does not balance for {name}: {counts}")
    if not manifest["balanced"] and not problems:
        problems.append("accounting does not balance: records read != documents + dead letters + skipped + copies")
    return problems


def _effective(options: PipelineOptions) -> dict[str, Any]:
    """The runner settings the job actually ran with (defaults included), for the manifest."""
    everything = options.get_all_options(drop_default=False)
    keys = ("runner", "direct_running_mode", "direct_num_workers", "project", "region", "job_name")
    return {k: everything.get(k) for k in keys if everything.get(k) is not None}
