"""The ``synthsieve`` command line: run, score, train, eval, report."""

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
    "lm": "lm.enabled",
    "lm_sample_rate": "lm.sample_rate",
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


def _load(config_path: str | None, flags: dict[str, Any], extra: dict[str, Any] | None = None):
    overrides = {dotted: flags.get(name) for name, dotted in _CONFIG_FLAGS.items()} | (extra or {})
    try:
        return load_config(config_path, overrides)
    except ConfigError as exc:
        raise click.UsageError(f"bad configuration: {exc}") from exc


_LOG_FLAGS = ("--quiet", "--verbose")


class _Commands(click.Group):
    """The command group; its ``--quiet`` and ``--verbose`` may also follow the command's name."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        flags = [a for a in args if a in _LOG_FLAGS]
        return super().parse_args(ctx, flags + [a for a in args if a not in _LOG_FLAGS])


@click.group(cls=_Commands)
@click.version_option(package_name="synthsieve")
@click.option("--quiet", is_flag=True, help="Only errors from Beam and its workers (before or after the command).")
@click.option("--verbose", is_flag=True, help="Beam's own progress logs too (before or after the command).")
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
    "--known-human",
    multiple=True,
    help="Known-human documents (any input format; repeatable) that calibrate per-source thresholds.",
)
@click.option(
    "--known-synthetic",
    multiple=True,
    help="Known-synthetic documents (any input format; repeatable): their near-duplicates are labelled synthetic.",
)
@click.option(
    "--dedup", is_flag=True, default=None, help="Leave non-canonical near-duplicates out of human/uncertain output."
)
@click.option(
    "--lm", is_flag=True, default=None, help="Second stage: re-score undecided documents with the LM (extra lm)."
)
@click.option("--lm-all", is_flag=True, help="Second stage on every judged document (implies --lm).")
@click.option(
    "--lm-sample-rate",
    type=click.FloatRange(0, 1),
    default=None,
    help="Second stage also on this share of the other judged documents, for auditing (implies --lm).",
)
@_config_options
@click.pass_context
def run(
    ctx: click.Context,
    inputs: tuple[str, ...],
    output: str,
    known_human: tuple[str, ...],
    known_synthetic: tuple[str, ...],
    config_path: str | None,
    **flags,
) -> None:
    """Run the pipeline on INPUTS (files, globs or folders, read recursively).

    Flags not listed here go unchanged to Beam's PipelineOptions; write them as ``--flag=value``.
    """
    from rich.console import Console

    from synthsieve.pipeline.inputs import InputError, OutputError
    from synthsieve.pipeline.models import ModelError
    from synthsieve.pipeline.outputs import MANIFEST
    from synthsieve.pipeline.run import OptionsError, accounting_problems, check_beam_flags, run_job
    from synthsieve.progress import display

    lm_all = flags.pop("lm_all")
    flags["lm"] = True if lm_all or flags["lm_sample_rate"] else flags["lm"]
    config = _load(config_path, flags, {"lm.scope": "all"} if lm_all else None)
    # click hands unknown options over with the inputs: every ``--flag[=value]`` token is Beam's.
    beam_args = [a for a in (*inputs, *ctx.args) if a.startswith("--")]
    paths = [a for a in (*inputs, *ctx.args) if not a.startswith("--")]
    if not paths:
        raise click.UsageError("no INPUT given")
    params = [*ctx.command.params, *ctx.find_root().command.params]
    try:
        check_beam_flags(beam_args, [opt for param in params for opt in param.opts if opt.startswith("--")])
        with display(Console(stderr=True), ctx.find_root().params["quiet"]) as progress:
            manifest = run_job(paths, output, config, beam_args, list(known_human), list(known_synthetic), progress)
    except OptionsError as exc:
        raise click.UsageError(str(exc)) from exc
    except (InputError, OutputError, ModelError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    if manifest is None:  # only described (a template launch): the job itself writes the manifest
        click.echo(f"job submitted; {output}/{MANIFEST} will mark its success")
        return
    click.echo(_summary(manifest))
    if problems := accounting_problems(manifest):
        raise click.ClickException("the run is incomplete (output and manifest written):\n  " + "\n  ".join(problems))


_REASONS_SHOWN = 8


def _share_line(share: dict[str, Any]) -> list[str]:
    """The corpus's synthetic share with its interval and floor, and which references it was estimated against."""
    if share.get("share") is None:
        return []
    floor = f", floor {share['share_floor']:.1%}" if share.get("share_floor") is not None else ""
    references = share["method"].split("; ", 1)[-1]
    return [
        f"  synthetic share: {share['share']:.1%} (95% interval {share['share_lo']:.1%}-{share['share_hi']:.1%}"
        f"{floor}) of {share['scored']} scored documents; references {references}"
    ]


def _summary(manifest: dict[str, Any]) -> str:
    from synthsieve.pipeline.outputs import MANIFEST

    read = manifest["documents_read"] or 1
    near = manifest["near_duplicates"]
    rows = [(label, n, {}) for label, n in manifest["labels"].items()] + [
        ("dead_letter", manifest["dead_letter"]["total"], manifest["dead_letter"]["by_reason"]),
        ("skipped", manifest["skipped"]["total"], manifest["skipped"]["by_reason"]),
        ("deduplicated", near["removed"], {}),
    ]
    lines = [
        f"synthsieve {manifest['pipeline_version']}: {manifest['documents_read']} records read from "
        f"{len(manifest['inputs'])} file(s) in {manifest['seconds']:.1f} s"
    ]
    for name, n, reasons in rows:
        lines.append(f"  {name:<12}{n:>10}  {100 * n / read:5.1f}%")
        top = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
        lines += [f"    {reason:<30}{k:>6}" for reason, k in top[:_REASONS_SHOWN]]
        if len(top) > _REASONS_SHOWN:
            lines.append(f"    ... {len(top) - _REASONS_SHOWN} more reasons in {MANIFEST}")
    lines.append(
        f"  near-duplicates: {near['clusters']} clusters, {near['duplicates']} copies, "
        f"{near['known_synthetic_matches']} matches of known-synthetic text"
    )
    cal = manifest["calibration"]
    lines.append(f"  calibrated sources: {cal['calibrated_sources']} ({cal['known_human']} known-human documents)")
    lines += _share_line(manifest["synthetic_share"])
    known = manifest["known"]
    if known["files"]:
        lines.append(
            f"  known-human and known-synthetic files: {known['documents_read']} documents read, "
            f"{known['used']} used, {known['dead_letter']['total']} dead-lettered, {known['skipped']['total']} skipped"
        )
    for uri, reasons in manifest["damaged_files"].items():
        lines.append(f"  damaged: {uri} ({', '.join(f'{r} {n}' for r, n in reasons.items())})")
    lines.append(f"  accounting {'balanced' if manifest['balanced'] else 'FAILED'}; output: {manifest['output']}")
    return "\n".join(lines)


@main.command()
@_config_options
def score(config_path: str | None, **flags) -> None:
    """Score JSONL documents from stdin; write them to stdout with scores, label and reasons.

    Records that cannot be read go to stderr as JSON dead letters.
    """
    from synthsieve.pipeline.models import ModelError, load_annotator
    from synthsieve.readers.jsonl import read_jsonl

    config = _load(config_path, flags)
    try:
        annotator = load_annotator(config)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc
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
    from synthsieve.pipeline.annotate import Annotated, failure_letter
    from synthsieve.pipeline.isolate import in_isolation

    def failed(raw, exc):
        return Annotated([], [failure_letter(raw, "score", exc)])

    for result in in_isolation(batch, annotator.annotate, failed) if batch else []:
        for letter in result.dead_letters:
            click.echo(json.dumps(letter), err=True)
        for doc in result.documents:
            click.echo(json.dumps(doc, default=str, ensure_ascii=False))


def _labelled_rows(data: tuple[str, ...]) -> list[dict]:
    from synthsieve_training.data import DATA_PATHS, load_labeled

    paths = data or [str(p) for p in DATA_PATHS if p.is_file()]
    if not paths:
        raise click.UsageError("no --data given and no labelled set at ../shared/data/labeled")
    return load_labeled(paths)


_DATA = click.option(
    "--data",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Labelled .jsonl.gz (repeatable; default: ../shared/data/labeled/dev and more).",
)
_TARGETS = [
    click.option(
        "--target-fpr",
        type=click.FloatRange(0, 1),
        default=0.01,
        show_default=True,
        help="The largest share of out-of-fold humans the chosen thresholds may label synthetic.",
    ),
    click.option(
        "--target-fnr",
        type=click.FloatRange(0, 1),
        default=0.10,
        show_default=True,
        help="The largest share of out-of-fold synthetic texts they may label human (the rest of the judged texts "
        "between the thresholds are uncertain).",
    ),
]


_AUGMENT = click.option(
    "--augment",
    default=0,
    show_default=True,
    help="Train also on this many sampled SmolLM2 continuations of English human texts (training/augment.py; "
    "generated once into the cache, several minutes per thousand on a CPU).",
)


def _with_augmented(rows: list[dict], augment: int) -> list[dict]:
    from synthsieve_training.augment import AUGMENT_SEED, augmented_rows
    from synthsieve_training.train import cache_dir

    return rows + augmented_rows(rows, augment, AUGMENT_SEED, cache_dir()) if augment else rows


def _targets(command):
    for option in reversed(_TARGETS):
        command = option(command)
    return command


@main.command()
@_DATA
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the models.")
@click.option("--seed", default=13, show_default=True, help="Training seed (same data + seed = same models).")
@click.option(
    "--thread",
    default=1,
    show_default=True,
    help="fastText threads of the leave-one-out folds (1: the same stacker card byte for byte; the committed models "
    "always train on one).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML config: its detectors.enabled are trained (e.g. style_v2); its gate and reader settings apply.",
)
@click.option(
    "--stage",
    type=click.Choice(["first", "lm", "all"]),
    default="first",
    show_default=True,
    help="first: the first-stage detectors and stacker; lm: lm_v2 (extra lm), from the last first-stage run's "
    "out-of-fold scores; all: both.",
)
@_AUGMENT
@_targets
def train(
    data,
    out_dir: str,
    seed: int,
    thread: int,
    config_path,
    stage: str,
    augment: int,
    target_fpr: float,
    target_fnr: float,
) -> None:
    """Reproduce the committed detector models from labelled sets, judged by leave-one-out (docs/DETECTION.md)."""
    from synthsieve_training.train import train_all, train_second_stage

    rows, config = _labelled_rows(data), _load(config_path, {})
    if stage in ("first", "all"):
        augmented = _with_augmented(rows, augment)
        for path in train_all(augmented, Path(out_dir), config, seed, target_fpr, target_fnr, thread):
            click.echo(f"wrote {path}")
    if stage in ("lm", "all"):
        for path in train_second_stage(rows, Path(out_dir)):
            click.echo(f"wrote {path}")


@main.command("eval")
@_DATA
@click.option(
    "--lodo",
    is_flag=True,
    help="Retrain per left-out data set and generator family; thresholds chosen out of fold.",
)
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="YAML config file.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the full report here as JSON.")
@click.option("--seed", default=13, show_default=True, help="--lodo: training seed of every fold.")
@click.option("--thread", default=1, show_default=True, help="--lodo: fastText threads.")
@_AUGMENT
@_targets
def evaluate(
    data, lodo: bool, config_path, out, seed: int, thread: int, augment: int, target_fpr: float, target_fnr: float
) -> None:
    """Score labelled sets as the pipeline does; report metrics per data set, language, domain, attack and family.

    Without --lodo the committed models score texts they were trained on (in-sample).
    """
    from synthsieve_training.insample import GROUPINGS, evaluate_in_sample
    from synthsieve_training.lodo import evaluate as evaluate_lodo
    from synthsieve_training.report import group_table, markdown

    rows, config = _labelled_rows(data), _load(config_path, {})
    if lodo:
        report = evaluate_lodo(_with_augmented(rows, augment), config, seed, target_fpr, target_fnr, thread).report
        click.echo(markdown(report))
    else:
        report = evaluate_in_sample(rows, config)
        click.echo(report["note"])
        for key in GROUPINGS:
            click.echo("\n".join(["", *group_table(key, report[f"by_{key}"])]))
    if out:
        Path(out).write_text(json.dumps({"data": list(data), **report}, indent=2) + "\n", encoding="utf-8")


def _with_filesystem_options(ctx: click.Context, tokens: list[str]) -> list[str]:
    """Hands the ``--flag=value`` tokens to Beam's filesystems (``--s3_endpoint_url``, ``--project``...) before any
    file is touched, and returns the other tokens."""
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.options.pipeline_options import PipelineOptions

    from synthsieve.pipeline.run import OptionsError, check_beam_flags

    beam_args = [t for t in tokens if t.startswith("--")]
    params = [*ctx.command.params, *ctx.find_root().command.params]
    try:
        check_beam_flags(beam_args, [opt for param in params for opt in param.opts if opt.startswith("--")])
    except OptionsError as exc:
        raise click.UsageError(str(exc)) from exc
    FileSystems.set_options(PipelineOptions(beam_args))
    return [t for t in tokens if not t.startswith("--")]


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("folder")
@click.option(
    "--known-human",
    help="Known-human text: an output folder (its label=human) or input files (path or glob, any input format).",
)
@click.option(
    "--history", multiple=True, help="Output folder (or glob of folders) of an earlier run, for the trend; repeatable."
)
@click.option(
    "--html",
    "html_path",
    default="report.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The HTML page to write; the same report goes beside it as .json.",
)
@click.option("--max-docs", type=click.IntRange(1), help="Documents per partition the text measures are taken on.")
@click.option("--top", type=click.IntRange(1), help="Domains listed.")
@click.option("--max-change", type=click.FloatRange(0), help="Relative change against --known-human that flags.")
@click.option("--trend-words", type=click.IntRange(1), help="Words of human text per crawl month for the trend.")
@click.pass_context
def report(
    ctx: click.Context, folder: str, known_human: str | None, history: tuple[str, ...], html_path: str, **settings
) -> None:
    """Corpus-health report of an output FOLDER: an HTML page, its data as JSON, and a summary here.

    Counts and shares per label, domain, language, era and crawl month; p_synthetic per label with the thresholds;
    the diversity of each partition against the known-human text; synthetic share and diversity per crawl month over
    runs. FOLDER may be on gs:// or s3://; Beam's options for it (--s3_endpoint_url, ...) go as --flag=value.
    """
    from rich.console import Console

    from synthsieve.report.output_folder import ReportError
    from synthsieve.report.settings import ReportSettings
    from synthsieve.report.terminal import print_summary
    from synthsieve.report.write import write_report

    folders = _with_filesystem_options(ctx, [folder, *ctx.args])
    if len(folders) != 1:
        raise click.UsageError(f"give one output FOLDER, not {' '.join(folders)}")
    chosen = ReportSettings(**{k: v for k, v in settings.items() if v is not None})
    try:
        html, data, built = write_report(folders[0], known_human, list(history), html_path, chosen)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    console = Console()
    print_summary(built, console)
    console.print(f"wrote {html} and {data}")
