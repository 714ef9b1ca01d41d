"""What a run reads and where it writes: inputs (paths, globs, folders on any Beam filesystem) matched and checked,
and the output folder checked, before the job starts."""

from __future__ import annotations

import logging
import os
import re

from apache_beam.io.filesystems import FileSystems

from synthsieve.pipeline.outputs import PUBLISHED, STAGING, join
from synthsieve.readers.files import UnsupportedFormat, detect_format

_GLOB = re.compile(r"[*?\[]")
_NAMES_SHOWN = 5  # file names in a message
_LOGGER = logging.getLogger(__name__)


class InputError(ValueError):
    """An input pattern matches no file or cannot be listed, or a matched file's format cannot be told."""


class OutputError(ValueError):
    """The output folder is a file, holds other files, or holds or lies inside the input."""


def match_inputs(patterns: list[str], configured: str = "auto") -> tuple[list[str], list[str]]:
    """Expands paths, globs and folders on any Beam filesystem into the files to read, and returns them with the
    folders among the inputs; every pattern must match at least one file.

    A folder is read recursively, leaving out hidden files (a name under it that starts with ``.`` or ``_``) and,
    unless a format is ``configured``, files whose format cannot be told from their name; a warning names them.
    """
    paths, folders = [], []
    for pattern in patterns:
        found = [pattern] if _local_folder(pattern) else _match(pattern)
        named = [p for p in found if _local_folder(p)]
        if not found and not _GLOB.search(pattern):
            named = [pattern]  # on an object store a folder is only the prefix of its files' names
        files = [p for p in found if p not in named]
        for folder in named:
            files += _folder_files(folder, configured)
        if not files:
            raise InputError(f"no input file matches {pattern}")
        paths += files
        folders += named
    return sorted(set(paths)), folders


def _match(pattern: str) -> list[str]:
    try:
        return [m.path for m in FileSystems.match([pattern])[0].metadata_list if not m.path.endswith("/")]
    except Exception as exc:  # Beam wraps filesystem errors in BeamIOError
        raise InputError(f"cannot list input {pattern}: {exc}") from exc


def _local_folder(path: str) -> bool:
    return "://" not in path and os.path.isdir(path)


def _folder_files(folder: str, configured: str) -> list[str]:
    """The files under ``folder`` to read; warns naming those left out."""
    kept, left_out = [], []
    for path in _match(join(folder, "**")):
        name = path[len(folder) :].lstrip("/")
        if any(part.startswith((".", "_")) for part in name.split("/")) or _format_error(path, configured):
            left_out.append(name)
        else:
            kept.append(path)
    if left_out:
        hint = "" if configured != "auto" else " (--format reads every file that is not hidden as that format)"
        _LOGGER.warning(
            "left out %d hidden or unknown-format file(s) under %s: %s%s", len(left_out), folder, _some(left_out), hint
        )
    return kept


def _some(names: list[str]) -> str:
    return ", ".join(names[:_NAMES_SHOWN]) + (", ..." if len(names) > _NAMES_SHOWN else "")


def _format_error(path: str, configured: str) -> str | None:
    try:
        detect_format(path, configured)
    except UnsupportedFormat as exc:
        return str(exc)
    return None


def check_formats(paths: list[str], configured: str) -> None:
    """Fails when a file's format cannot be told from its name or is not one synthsieve reads: the reader's message,
    a line for all the files it fits."""
    files_by_message: dict[str, list[str]] = {}
    for path in paths:
        if message := _format_error(path, configured):
            files_by_message.setdefault(message.replace(path, "\0"), []).append(path)
    lines = [
        m.replace("\0", f"{first} (and {_some(rest)})" if rest else first)
        for m, (first, *rest) in files_by_message.items()
    ]
    if lines:
        raise InputError("\n".join(lines))


def check_output(output: str, files: list[str], folders: list[str]) -> None:
    """Refuses an output folder that is or holds an input, lies inside an input folder, is a file, or holds files
    but no earlier synthsieve output: the run would mix its output with them (it never deletes them)."""
    out = _absolute(output)
    for path in folders + files:
        where = _absolute(path)
        if out == where:
            raise OutputError(f"--output {output} is the input {path}: choose another folder")
        if where.startswith(out + "/"):
            raise OutputError(f"--output {output} holds the input {path}: choose another folder")
    for folder in folders:
        if out.startswith(_absolute(folder) + "/"):
            raise OutputError(f"--output {output} is inside the input folder {folder}: choose another folder")
    if FileSystems.exists(output) and not _local_folder(output):
        raise OutputError(f"--output {output} is a file: name a folder")
    markers = [join(output, name) for name in (*PUBLISHED, STAGING)]
    if _any_file(join(output, "**")) and not any(_any_file(m) or _any_file(join(m, "**")) for m in markers):
        raise OutputError(
            f"--output {output} holds other files and no synthsieve output: choose a new or empty folder"
        )


def _absolute(path: str) -> str:
    return path.rstrip("/") if "://" in path else os.path.abspath(path)


def _any_file(pattern: str) -> bool:
    return bool(FileSystems.match([pattern], limits=[1])[0].metadata_list)


def input_sizes(paths: list[str]) -> list[int]:
    """Size in bytes of each matched input file (0 where a filesystem does not say)."""
    return [sum(m.size_in_bytes or 0 for m in FileSystems.match([p])[0].metadata_list) for p in paths]
