"""The run's progress display: on only in a terminal without --quiet; it names the phases and Beam's stages."""

import io
import json

from rich.console import Console

from synthsieve.config import load_config
from synthsieve.pipeline.run import run_job
from synthsieve.progress import Live, Silent, display, transform_names

from builders import HUMAN_TEXT, SYNTHETIC_TEXT


def _console(terminal: bool) -> Console:
    return Console(file=io.StringIO(), force_terminal=terminal, width=100)


def test_display_only_in_a_terminal_and_not_quiet():
    assert isinstance(display(_console(True), quiet=False), Live)
    assert type(display(_console(True), quiet=True)) is Silent
    assert type(display(_console(False), quiet=False)) is Silent


def test_transform_names_of_a_fused_stage():
    stage = (
        "((ref_AppliedPTransform_Inputs-Impulse_3)+(ref_AppliedPTransform_Inputs-FlatMap-lambda-at-core-py-4094-_4))"
        "+(ref_AppliedPTransform_Read-ParDo-ReadFileFn-_12)+(ref_AppliedPTransform_Write_human-Write-WriteImpl_9)"
    )
    assert transform_names(stage) == ["Inputs", "Read", "Write_human"]
    assert transform_names("Inputs/Impulse") == ["Inputs"]


def test_a_run_in_a_terminal_shows_its_phases_and_stages(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate([HUMAN_TEXT, SYNTHETIC_TEXT]))
    )
    console = _console(True)
    with Live(console) as live:
        manifest = run_job(
            [str(docs)], str(tmp_path / "out"), load_config(), ["--direct_running_mode=in_memory"], progress=live
        )
    assert manifest["balanced"]
    shown = console.file.getvalue()
    for phase in ("listing inputs: 1 file(s)", "loading detectors", "Beam job"):  # the job itself publishes
        assert phase in shown
    assert {"Read", "Score", "Decide", "Write_human"} <= set(live.stages_seen)
