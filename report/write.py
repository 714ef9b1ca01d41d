"""Builds the report of an output folder and writes it as HTML and JSON."""

from __future__ import annotations

import glob
import json
from pathlib import Path
from typing import Any

from synthsieve.report.build import build_report
from synthsieve.report.html import render
from synthsieve.report.output_folder import OutputFolder, ReportError
from synthsieve.report.settings import ReportSettings


def history_folders(patterns: list[str]) -> list[OutputFolder]:
    """Output folders of earlier runs, from folders or globs, in the order given (a glob's matches sorted)."""
    folders = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) or [pattern]
        folders += [OutputFolder(m) for m in matches]
    return folders


def write_report(
    folder: str, known_human: str | None, history: list[str], html_path: str | Path, settings: ReportSettings
) -> tuple[Path, Path, dict[str, Any]]:
    """Writes ``html_path`` and the same report as JSON beside it (``.json``); returns both paths and the report.

    Raises:
        ReportError: a folder is no output folder, or the known-human text cannot be read.
    """
    report = build_report(OutputFolder(folder), known_human, history_folders(history), settings)
    html, data = Path(html_path), Path(html_path).with_suffix(".json")
    if html == data:
        raise ReportError(f"--html {html_path}: give a path ending in .html")
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(render(report), encoding="utf-8")
    data.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return html, data, report
