"""Progress of ``synthsieve run`` in a terminal: every phase with a spinner and its time, and during the Beam job
the stages Beam's local runner executes.

Beam's local runner reports no per-document progress while it runs; what it does say, in a debug log line per
bundle, is which fused stage it is running. The display shows those stages' transform names and counts, so a
long run shows where it is. On other runners the job line shows the elapsed time (their own consoles show more).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

#: Logger of Beam's local (FnApi) runner that names the stage of every bundle it runs, at debug level.
BUNDLE_LOGGER = "apache_beam.runners.portability.fn_api_runner.fn_runner.run_bundle"
_BUNDLE_MESSAGE = "Running bundle for stage"
_TRANSFORM = re.compile(r"ref_AppliedPTransform_(.+?)_\d+\)")


class Silent:
    """No display: phases run as they are. Like ``Live``, a context manager around the run."""

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def phase(self, name: str) -> contextlib.AbstractContextManager[Callable[[str], None]]:
        """A context for one phase; it yields a function that tells what the phase is doing."""
        return contextlib.nullcontext(lambda text: None)

    def job(self) -> contextlib.AbstractContextManager:
        """A context around the Beam pipeline's ``with`` block (the job runs when that block ends)."""
        return contextlib.nullcontext()


class Live(Silent):
    """A rich display of the phases on ``console``; use as a context manager around the run."""

    def __init__(self, console: Console):
        columns = (SpinnerColumn(finished_text="[green]✓[/]"), TextColumn("{task.description}"), TimeElapsedColumn())
        self.progress = Progress(*columns, console=console)
        self.stages_seen: list[str] = []

    def __enter__(self) -> Live:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[Callable[[str], None]]:
        task = self.progress.add_task(name, total=1)
        yield lambda text: self.progress.update(task, description=f"{name}: {text}")
        self.progress.update(task, completed=1)

    @contextlib.contextmanager
    def job(self) -> Iterator[None]:
        with self.phase("Beam job") as say:
            watch = _StageWatch(say, self.stages_seen)
            logger = logging.getLogger(BUNDLE_LOGGER)
            saved = logger.level, logger.propagate
            logger.setLevel(logging.DEBUG)
            logger.propagate = False  # the display shows them; the console log must not
            logger.addHandler(watch)
            try:
                yield
            finally:
                logger.removeHandler(watch)
                logger.setLevel(saved[0])
                logger.propagate = saved[1]
                say(f"{len(watch.stages)} stages, {watch.bundles} bundles")


def display(console: Console, quiet: bool) -> Silent | Live:
    """A live display when ``console`` is a terminal and not ``quiet``; else none."""
    return Live(console) if console.is_terminal and not quiet else Silent()


def transform_names(stage: str) -> list[str]:
    """The pipeline's own transform labels in a fused stage name, in order, once each."""
    found = [m.split("-")[0] for m in _TRANSFORM.findall(stage)] or [stage.split("/")[0]]
    return list(dict.fromkeys(found))


class _StageWatch(logging.Handler):
    """Counts the bundles and stages Beam's local runner logs and tells the display the current one."""

    def __init__(self, say: Callable[[str], None], seen: list[str]):
        super().__init__(logging.DEBUG)
        self.say, self.seen, self.stages, self.bundles = say, seen, set(), 0

    def emit(self, record: logging.LogRecord) -> None:
        if not str(record.msg).startswith(_BUNDLE_MESSAGE) or not record.args:
            return
        stage = str(record.args[0])
        self.bundles += 1
        self.stages.add(stage)
        names = transform_names(stage)
        self.seen.extend(n for n in names if n not in self.seen)
        self.say(f"stage {len(self.stages)} ({', '.join(names[:3])}), {self.bundles} bundles")
