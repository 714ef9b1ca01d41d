"""Wall seconds per Beam stage of a ``synthsieve`` run, from the FnApiRunner's bundle log.

The FnApiRunner runs one stage's bundle at a time (spread over its workers), so the time from one "Running bundle
for stage" line to the next is that stage's share of the wall time.

    .venv/bin/python bench/stage_times.py --quiet run /tmp/nd100k/*.jsonl.gz -o /tmp/out [--top 20] [--timeline F]

``--timeline F`` writes each stage's start (seconds since start, stage name) to ``F``.
"""

from __future__ import annotations

import atexit
import logging
import sys
import time
from collections import Counter, defaultdict

from synthsieve.cli import main

PREFIX = "Running bundle for stage "
STARTED = time.perf_counter()
TIMELINE: str | None = None


class _Stages(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.events: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(PREFIX):
            self.events.append((time.perf_counter(), message.split("\n")[0][len(PREFIX) :]))

    def report(self, top: int) -> None:
        if not self.events:
            return
        end = time.perf_counter()
        seconds, bundles = defaultdict(float), Counter()
        for (t, stage), (t_next, _) in zip(self.events, [*self.events[1:], (end, None)]):
            seconds[stage] += t_next - t
            bundles[stage] += 1
        print(f"first bundle at {self.events[0][0] - STARTED:.1f} s, end at {end - STARTED:.1f} s", file=sys.stderr)
        if TIMELINE:
            with open(TIMELINE, "w") as f:
                f.writelines(f"{t - STARTED:.1f} {stage[:200]}\n" for t, stage in self.events)
        for stage, s in sorted(seconds.items(), key=lambda kv: -kv[1])[:top]:
            print(f"{s:7.2f} s {bundles[stage]:3d} bundle(s)  {stage[:160]}", file=sys.stderr)


def _option(argv: list[str], name: str, default: str | None) -> tuple[list[str], str | None]:
    if name in argv:
        i = argv.index(name)
        return argv[:i] + argv[i + 2 :], argv[i + 1]
    return argv, default


if __name__ == "__main__":
    args, top = _option(sys.argv[1:], "--top", "20")
    args, TIMELINE = _option(args, "--timeline", None)
    stages = _Stages()
    runner_log = logging.getLogger("apache_beam.runners.portability.fn_api_runner.fn_runner")
    runner_log.setLevel(logging.DEBUG)
    runner_log.addHandler(stages)
    runner_log.propagate = False
    atexit.register(stages.report, int(top))
    sys.argv = [sys.argv[0], *args]
    sys.exit(main())
