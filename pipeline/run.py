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
from apache_beam.io.filesystems import FileSystems
from apache_beam.options import pipeline_options as beam_options
from apache_beam.options.pipeline_options import DirectOptions, GoogleCloudOptions, PipelineOptions, WorkerOptions

from synthsieve import __version__
from synthsieve.config import Config
from synthsieve.pipeline import graph
from synthsieve.pipeline.finalize import Finalize
from synthsieve.pipeline.inputs import check_formats, check_output, input_sizes, match_inputs
from synthsieve.pipeline.local_runner import local_runner
from synthsieve.pipeline.models import load_annotator
from synthsieve.pipeline.outputs import MANIFEST, delete_existing, join, new_run_id, read_json, staging_folder
from synthsieve.progress import Silent

DEFAULT_PARTITIONS = 8192  # ~370 K documents per group at 3 billion: the candidate step held ~0.85 GiB for a group of
# 250 K in the 1M-document run (docs/DEPLOY.md, "The plan at Common Crawl scale")
PARTITIONS_PER_WORKER = 128  # a cluster's workers: 64 of them reach the default (16 per worker gave 100 workers
# groups of 1.9 M documents at 3 billion, ~6.5 GiB per call)
LOCAL_PARTITIONS_PER_WORKER = 2  # one machine's processes: every key past these only adds elements (100k run: 32
# keys took 1.20x the time of 4)
MIN_PARTITIONS = 4
FILES_PER_WORKER = 4  # with fewer input files per worker, read batches are shuffled across workers before scoring
LOCAL_RUNNERS = ("FnApiRunner", "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner")
DASK_RUNNER = "DaskRunner"


class OptionsError(ValueError):
    """A pass-through flag is no Beam pipeline option, or lacks its value."""


def check_beam_flags(beam_args: list[str], own_flags: Sequence[str] = ()) -> None:
    """Fails on a flag that no Beam pipeline option defines (a typo would otherwise be dropped with a warning),
    naming the closest of Beam's and ``own_flags``, and on a Beam flag that takes a value but is not written
    ``--flag=value``."""
    if any(a.startswith("--dask_") for a in beam_args) or _dask(_runner_name(beam_args)):
        _import_dask_options()
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


def _runner_name(beam_args: list[str]) -> str:
    return next((a.split("=", 1)[-1] for a in beam_args if a.startswith("--runner=")), "")


def _dask(runner: str) -> bool:
    """Whether ``runner`` (short or fully qualified) names Beam's DaskRunner."""
    return runner.rsplit(".", 1)[-1] == DASK_RUNNER


def _import_dask_options() -> None:
    """Defines the DaskRunner's options (``--dask_client_address``, ...): Beam adds them when its module loads."""
    try:
        import apache_beam.runners.dask.dask_runner  # noqa: F401
    except ImportError as exc:
        raise OptionsError(f"the DaskRunner needs Dask: pip install 'dask[distributed]' ({exc})") from None


def runner(options: PipelineOptions):
    """The runner synthsieve makes for ``options``: the local engine (``pipeline.local_runner``), or for Beam's
    DaskRunner, short or fully qualified, the mended one (``pipeline.dask_runner``); else None: Beam makes it."""
    if _dask(options.get_all_options()["runner"] or ""):
        from synthsieve.pipeline.dask_runner import DaskRunner

        return DaskRunner()
    return local_runner(options)


def _with_closest(arg: str, known: list[str]) -> str:
    closest = difflib.get_close_matches(arg.split("=", 1)[0], known, n=1)
    return f"{arg} (did you mean {closest[0]}?)" if closest else arg


def with_partitions(config: Config, n_workers: int, per_worker: int = PARTITIONS_PER_WORKER) -> Config:
    """The config with ``dedup.partitions`` resolved to the shuffle keys of the clustering steps: as configured (0:
    ``DEFAULT_PARTITIONS``), at most ``per_worker`` per known worker (at least ``MIN_PARTITIONS``). More keys than
    that add no parallelism, while every step splits each group's output by key (up to keys squared elements per
    step)."""
    parts = config.dedup.partitions or DEFAULT_PARTITIONS
    if n_workers:
        parts = min(parts, max(MIN_PARTITIONS, per_worker * n_workers))
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
    options = pipeline_options(beam_args)
    FileSystems.set_options(options)  # before any listing: s3:// needs its endpoint and keys, gs:// its project
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
        local = (options.get_all_options()["runner"] or "DirectRunner").rsplit(".", 1)[-1] in LOCAL_RUNNERS
        per_worker = LOCAL_PARTITIONS_PER_WORKER if local else PARTITIONS_PER_WORKER
        config = with_partitions(config, workers(options), per_worker)
        say(f"{len(paths)} file(s), {n_bytes / 2**20:.1f} MiB")
    with progress.phase("loading detectors"):
        annotator = load_annotator(config)
    run_id = new_run_id()
    staging = staging_folder(output, run_id)
    delete_existing([join(output, MANIFEST)])  # no success marker while this run is under way
    config = with_rebalance(config, sizes, workers(options))
    header = {
        "run_id": run_id,
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
    with progress.job(), beam.Pipeline(runner(options), options=options) as pipeline:  # runs when it ends
        written, accounting = graph.build(
            pipeline, paths, staging, config, annotator.decider.schema, known_human_paths, known_synthetic_paths
        )
        pipeline | "Finalize" >> Finalize(output, header, started, written, accounting)
    if options.view_as(GoogleCloudOptions).template_location:
        return None
    return read_json(join(output, MANIFEST))


def accounting_problems(manifest: dict[str, Any]) -> list[str]:
    """What makes a run fail after it wrote its output: input files that could not be read, and files whose
    records read are not all labelled, dead-lettered, skipped, deduplicated or used as known-human or known-synthetic
    documents, or whose shards do not hold the rows counted."""
    problems = [f"cannot read {e['source_uri']} ({e['role']}): {e['message']}" for e in manifest["file_errors"]]
    entries = [*manifest["files"].items(), *manifest["known"]["files"].items()]
    unbalanced = [(name, entry) for name, entry in entries if not entry["balanced"]]
    for name, entry in unbalanced:
        counts = ", ".join(f"{k} {v}" for k, v in entry.items() if k not in ("balanced", "role"))
        problems.append(f"accounting does not balance for {name}: {counts}")
    if not manifest["balanced"] and not unbalanced:
        problems.append(
            "accounting does not balance: records read != documents + dead letters + skipped + copies, or the "
            "written shards do not hold the rows counted"
        )
    return problems


def _effective(options: PipelineOptions) -> dict[str, Any]:
    """The runner settings the job actually ran with (defaults included), for the manifest."""
    everything = options.get_all_options(drop_default=False)
    keys = ("runner", "direct_running_mode", "direct_num_workers", "project", "region", "job_name")
    return {k: everything.get(k) for k in keys if everything.get(k) is not None}
