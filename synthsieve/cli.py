"""The ``synthsieve`` command line: run, score, train, eval."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from synthsieve.config import INPUT_FORMATS, ConfigError, load_config

_CONFIG_FLAGS = {
    "format": "reader.format",
    "batch_size": "reader.batch_size",
    "detectors": "detectors.enabled",
    "min_words": "detectors.min_words",
    "synthetic_threshold": "decision.synthetic_threshold",
    "human_threshold": "decision.human_threshold",
    "dedup": "dedup.drop_duplicates",
}


def _config_options(command):
    """Flags shared by ``run`` and ``score`` that override the YAML config."""
    options = [
        click.option(
            "--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="YAML config file."
        ),
        click.option("--format", type=click.Choice(INPUT_FORMATS), default=None, help="Input format (default: auto)."),
        click.option("--batch-size", type=int, default=None, help="Documents per scoring batch."),
        click.option("--detectors", default=None, help="Comma-separated versioned detector names."),
        click.option("--min-words", type=int, default=None, help="Shorter texts are not judged by text detectors."),
        click.option("--synthetic-threshold", type=float, default=None, help="p_synthetic >= this: synthetic."),
        click.option("--human-threshold", type=float, default=None, help="p_synthetic <= this: human."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _load(config_path: str | None, flags: dict[str, Any]):
    overrides = {dotted: flags.get(name) for name, dotted in _CONFIG_FLAGS.items()}
    try:
        return load_config(config_path, overrides)
    except ConfigError as exc:
        raise click.UsageError(f"bad configuration: {exc}") from exc


@click.group()
@click.version_option(package_name="synthsieve")
@click.option("--quiet", is_flag=True, help="Only errors from Beam.")
@click.option("--verbose", is_flag=True, help="Beam's own progress logs too.")
def main(quiet: bool, verbose: bool) -> None:
    """synthsieve: tag provenance, detect machine-written text, split a corpus into human/synthetic/uncertain."""
    beam_level = logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=beam_level, format="%(levelname)s %(name)s: %(message)s")
    # Worker start-up warnings that say nothing about the job, forwarded by the local job service.
    logging.getLogger("apache_beam.runners.portability.local_job_service").setLevel(max(beam_level, logging.ERROR))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("inputs", nargs=-1, required=True)
@click.option("--output", "-o", required=True, help="Output folder (local path, gs://, s3://).")
@click.option(
    "--human-reference",
    "references",
    multiple=True,
    help="Known-human documents (any input format; repeatable) that calibrate per-source thresholds.",
)
@click.option(
    "--reference",
    "known_synthetic",
    multiple=True,
    help="Known synthetic documents (any input format; repeatable): their near-duplicates are labelled synthetic.",
)
@click.option(
    "--dedup", is_flag=True, default=None, help="Leave non-canonical near-duplicates out of human/uncertain output."
)
@_config_options
@click.pass_context
def run(
    ctx: click.Context,
    inputs: tuple[str, ...],
    output: str,
    references: tuple[str, ...],
    known_synthetic: tuple[str, ...],
    config_path: str | None,
    **flags,
) -> None:
    """Run the pipeline on INPUTS (paths or globs).

    Flags not listed here go unchanged to Beam's PipelineOptions; write them as ``--flag=value``.
    """
    from synthsieve.pipeline.run import InputError, run_job

    config = _load(config_path, flags)
    # click hands unknown options over with the inputs: every ``--flag[=value]`` token is Beam's.
    beam_args = [a for a in (*inputs, *ctx.args) if a.startswith("--")]
    paths = [a for a in (*inputs, *ctx.args) if not a.startswith("--")]
    if not paths:
        raise click.UsageError("no INPUT given")
    try:
        manifest = run_job(paths, output, config, beam_args, list(references), list(known_synthetic))
    except (InputError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    if manifest is None:  # only described (a template launch): the job itself writes the manifest
        click.echo(f"job submitted; {output}/manifest.json will mark its success")
        return
    click.echo(_summary(manifest))
    if manifest["file_errors"]:
        raise click.ClickException(f"input files could not be read: {manifest['file_errors']}")
    if not manifest["balanced"]:
        raise click.ClickException("accounting failed: documents read != labelled + dead-lettered (see manifest)")


def _summary(manifest: dict[str, Any]) -> str:
    read = manifest["documents_read"] or 1
    near = manifest["near_duplicates"]
    rows = [(label, n) for label, n in manifest["labels"].items()] + [
        ("dead_letter", manifest["dead_letter"]["total"]),
        ("deduplicated", near["removed"]),
    ]
    lines = [
        f"synthsieve {manifest['pipeline_version']}: {manifest['documents_read']} documents read from "
        f"{len(manifest['inputs'])} file(s) in {manifest['seconds']:.1f} s"
    ]
    lines += [f"  {name:<12}{n:>10}  {100 * n / read:5.1f}%" for name, n in rows]
    for reason, n in manifest["dead_letter"]["by_reason"].items():
        lines.append(f"    {reason:<24}{n:>6}")
    lines.append(
        f"  near-duplicates: {near['clusters']} clusters, {near['duplicates']} copies, "
        f"{near['known_synthetic_matches']} matches of known synthetic text"
    )
    cal = manifest["calibration"]
    lines.append(f"  calibrated sources: {cal['calibrated_sources']} ({cal['references']} human references)")
    lines.append(f"  accounting {'balanced' if manifest['balanced'] else 'FAILED'}; output: {manifest['output']}")
    return "\n".join(lines)


@main.command()
@_config_options
def score(config_path: str | None, **flags) -> None:
    """Score JSONL documents from stdin; write them to stdout with scores, label and reasons.

    Records that cannot be read go to stderr as JSON dead letters.
    """
    from synthsieve.pipeline.annotate import Annotator
    from synthsieve.readers.jsonl import read_jsonl

    config = _load(config_path, flags)
    annotator = Annotator(config)
    batch: list[dict[str, Any]] = []
    for kind, record in read_jsonl(sys.stdin.buffer, "<stdin>", config.reader.max_document_bytes):
        if kind == "dead":
            click.echo(json.dumps(record), err=True)
            continue
        batch.append(record)
        if len(batch) >= config.reader.batch_size:
            _emit(annotator, batch)
            batch = []
    _emit(annotator, batch)


def _emit(annotator, batch: list[dict[str, Any]]) -> None:
    result = annotator.annotate(batch)
    for letter in result.dead_letters:
        click.echo(json.dumps(letter), err=True)
    for doc in result.documents:
        click.echo(json.dumps(doc, default=str, ensure_ascii=False))


@main.command()
@click.option("--data", required=True, type=click.Path(exists=True, dir_okay=False), help="Labeled JSONL(.gz).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the models.")
@click.option("--seed", default=13, show_default=True, help="Training seed (same data + seed = same model).")
def train(data: str, out_dir: str, seed: int) -> None:
    """Reproduce the committed detector models from a labeled set."""
    from synthsieve.detectors.training import train_all

    for path in train_all(Path(data), Path(out_dir), seed):
        click.echo(f"wrote {path}")


@main.command("eval")
@click.option("--data", required=True, type=click.Path(exists=True, dir_okay=False), help="Labeled .jsonl.gz.")
@click.option("--lodo", is_flag=True, help="Retrain per left-out data set and choose thresholds out of fold.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="YAML config file.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the full report here as JSON.")
@click.option(
    "--target-fpr",
    type=click.FloatRange(0, 1),
    default=0.01,
    show_default=True,
    help="--lodo: the largest share of out-of-fold humans the chosen thresholds may label synthetic.",
)
@click.option(
    "--target-fnr",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="--lodo: the largest share of out-of-fold synthetic texts they may label human.",
)
@click.option("--seed", default=13, show_default=True, help="--lodo: training seed of every fold.")
def evaluate(
    data: str, lodo: bool, config_path: str | None, out: str | None, target_fpr: float, target_fnr: float, seed: int
) -> None:
    """Score a labeled set as the pipeline does; report metrics per data set, domain and attack.

    Without --lodo the committed models score texts they were trained on (in-sample).
    """
    from synthsieve.detectors.evaluation import evaluate_in_sample, evaluate_lodo, format_report
    from synthsieve.detectors.training import load_labeled

    config = _load(config_path, {})
    rows = load_labeled(data)
    report = evaluate_lodo(rows, config, seed, target_fpr, target_fnr) if lodo else evaluate_in_sample(rows, config)
    click.echo(format_report(report))
    if out:
        Path(out).write_text(json.dumps({"data": data, **report}, indent=2) + "\n", encoding="utf-8")
