"""Peak memory of a command and every process it starts, summed, sampled from ``/proc`` (Linux).

``/usr/bin/time`` reports the largest single process; a local Beam run is a coordinator plus worker processes, so
this sums them every ``--interval`` seconds: RSS (shared pages counted in every process that maps them) and PSS
(shared pages split between the processes that share them, so the sum counts each page once). It also reports
the CPU seconds of the whole tree.

    .venv/bin/python bench/peak_memory.py -- .venv/bin/synthsieve --quiet run /tmp/nd1m/*.jsonl.gz -o /tmp/out
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def descendants(root: int) -> list[int]:
    """``root`` and every living process below it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while listing
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def memory_kib(pid: int) -> tuple[int, int]:
    """``(RSS, PSS)`` of one process in KiB (zeros if it has ended)."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in lines[1:] if line.endswith("kB")}
    return values.get("Rss", 0), values.get("Pss", 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--trace", type=argparse.FileType("w"), help="every sample: seconds, pid:PSS KiB...")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    started = time.perf_counter()
    child = subprocess.Popen(command)
    peak = {"rss_kib": 0, "pss_kib": 0, "processes": 0, "pss_peak_at_s": 0.0, "pss_kib_at_peak": []}
    while child.poll() is None:
        pids = descendants(child.pid)
        usage = [memory_kib(pid) for pid in pids]
        rss, pss = sum(u[0] for u in usage), sum(u[1] for u in usage)
        if args.trace:
            sample = (f"{pid}:{u[1]}" for pid, u in zip(pids, usage))
            print(f"{time.perf_counter() - started:.1f}", *sample, file=args.trace, flush=True)
        peak["rss_kib"], peak["processes"] = max(peak["rss_kib"], rss), max(peak["processes"], len(pids))
        if pss > peak["pss_kib"]:
            peak.update(pss_kib=pss, pss_peak_at_s=round(time.perf_counter() - started, 1))
            peak["pss_kib_at_peak"] = [u[1] for u in usage]  # the command first, then the processes it started
        time.sleep(args.interval)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and the descendants it waited for
    peak.update(
        wall_s=round(time.perf_counter() - started, 1),
        user_s=round(cpu.ru_utime, 1),
        system_s=round(cpu.ru_stime, 1),
        exit_code=child.returncode,
    )
    print(json.dumps({"peak_summed": peak}), file=sys.stderr)
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()
