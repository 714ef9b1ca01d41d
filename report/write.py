"""Builds the report of an output folder and writes it as HTML and JSON."""

from __future__ import annotations

import contextlib
import glob
import json
from pathlib import Path
from typing import Any

from synthsieve.pipeline.outputs import MANIFEST, files_under
from synthsieve.report.build import build_report
from synthsieve.report.html import render
from synthsieve.report.output_folder import OutputFolder, ReportError
from synthsieve.report.settings import ReportSettings


def history_folders(patterns: list[str], stack: contextlib.ExitStack) -> list[OutputFolder]:
    """Output folders of earlier runs, from folders or globs, in the order given (a glob's matches sorted); each is
    closed with ``stack``."""
    return [stack.enter_context(OutputFolder(m)) for pattern in patterns for m in _matches(pattern) or [pattern]]


def _matches(pattern: str) -> list[str]:
    """The folders ``pattern`` matches; on an object store, where a folder is only a prefix, those of the runs whose
    manifests it matches."""
    if "://" not in pattern:
        return sorted(glob.glob(pattern))
    return [path[: -len(MANIFEST)].rstrip("/") for path in files_under(pattern, MANIFEST)]


def write_report(
    folder: str, known_human: str | None, history: list[str], html_path: str | Path, settings: ReportSettings
) -> tuple[Path, Path, dict[str, Any]]:
    """Writes ``html_path`` and the same report as JSON beside it (``.json``); returns both paths and the report.

    Raises:
        ReportError: a folder is no output folder, or the known-human text cannot be read.
    """
    html, data = Path(html_path), Path(html_path).with_suffix(".json")
    if html == data:
        raise ReportError(f"--html {html_path}: give a path ending in .html")
    with contextlib.ExitStack() as stack:  # deletes the local copies of remote folders, whatever happens
        report = build_report(
            stack.enter_context(OutputFolder(folder)), known_human, history_folders(history, stack), settings
        )
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(render(report), encoding="utf-8")
    data.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return html, data, report
