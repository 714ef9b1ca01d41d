"""Dataflow Flex Template launcher: template parameters (``--name=value``) in, a ``synthsieve run`` command out.

Every option of ``synthsieve run`` is a template parameter named after its flag (``--known-human`` is
``known_human``; the INPUT arguments are ``input``). Lists (``input``, ``known_human``, ``known_synthetic``) are
comma-separated; ``dedup`` is ``true`` or ``false``. Values may name the launch date, UTC, as ``{today}`` or
``{yesterday}`` (``{yesterday:%Y/%m/%d}`` for another layout), so that a fixed schedule processes a new date
partition each time. Any other flag, such as the ``--runner``, ``--project`` and ``--template_location`` the
launcher adds, goes to Beam unchanged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile

import click

from synthsieve.cli import main as cli
from synthsieve.cli import run

WORKER_IMAGE_ENV = "SYNTHSIEVE_WORKER_IMAGE"
"""Set in the container image to its own name: the workers run the image that launched them."""


def template_parameters() -> dict[str, click.Parameter]:
    """Template parameter name -> the ``synthsieve run`` parameter it fills."""
    params = {}
    for param in run.params:
        if isinstance(param, click.Argument):
            params["input"] = param
        else:
            params[max(param.opts, key=len).lstrip("-").replace("-", "_")] = param
    return params


def to_cli(argv: list[str], today: dt.date | None = None) -> list[str]:
    """The ``synthsieve`` arguments for the launcher's ``argv`` (template parameters and Beam flags).

    Args:
        argv: ``--name=value`` template parameters and pass-through Beam flags.
        today: the launch date for ``{today}`` / ``{yesterday}`` (default: today, UTC).
    """
    today = today or dt.datetime.now(dt.UTC).date()
    params = template_parameters()
    parser = argparse.ArgumentParser(prog="synthsieve.flex", allow_abbrev=False)
    for name in params:
        parser.add_argument(f"--{name}")
    values, beam_args = parser.parse_known_args(argv)
    args = ["run"]
    for name, param in params.items():
        value = getattr(values, name)
        if value is not None:
            args += _flags(param, _dated(value, today))
    return args + _beam_defaults(beam_args)


def _dated(value: str, today: dt.date) -> str:
    try:
        return value.format(today=today, yesterday=today - dt.timedelta(days=1))
    except (KeyError, IndexError, ValueError) as exc:
        raise click.UsageError(f"{value!r}: only {{today}} and {{yesterday}} may stand in braces ({exc})") from exc


def _flags(param: click.Parameter, value: str) -> list[str]:
    """``synthsieve run`` arguments for one template value."""
    if isinstance(param, click.Argument):
        return _split(value)
    flag = max(param.opts, key=len)
    if param.is_flag:
        if value.lower() not in ("true", "false"):
            raise click.UsageError(f"{flag}: expected true or false, got {value!r}")
        return [flag] if value.lower() == "true" else []
    if param.name == "config_path":
        value = _local_copy(value)
    return [f"{flag}={v}" for v in (_split(value) if param.multiple else [value])]


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _local_copy(path: str) -> str:
    """``path`` itself if it is a local file, else a local copy of it (from ``gs://``, ``s3://``, ...)."""
    if os.path.isfile(path):
        return path
    from apache_beam.io.filesystems import FileSystems

    with FileSystems.open(path) as src, tempfile.NamedTemporaryFile("wb", suffix=".yaml", delete=False) as dst:
        dst.write(src.read())
    return dst.name


def _beam_defaults(beam_args: list[str]) -> list[str]:
    """A template launch (``--template_location``) always means Dataflow, on workers running this image."""
    args = list(beam_args)
    given = {a.split("=", 1)[0] for a in args}
    if "--template_location" in given and "--runner" not in given:
        args.append("--runner=DataflowRunner")
    image = os.environ.get(WORKER_IMAGE_ENV)
    if image and "--sdk_container_image" not in given:
        args.append(f"--sdk_container_image={image}")
    return args


def main(argv: list[str] | None = None) -> None:
    """Runs ``synthsieve run`` with the template parameters in ``argv`` (default: ``sys.argv[1:]``)."""
    cli.main(to_cli(sys.argv[1:] if argv is None else argv), prog_name="synthsieve")


if __name__ == "__main__":
    main()
