"""Whole-pipeline throughput: runs ``synthsieve run`` as a process and reports docs/s and peak memory.

Usage:
    python bench/pipeline_throughput.py INPUT... [--repeat N] [-- BEAM FLAGS...]

Prints one JSON line per run: wall seconds, documents read, docs/s (end to end, process start included), the
pipeline's own docs/s from the manifest, and the peak resident memory of the largest child process.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(inputs: list[str], beam_flags: list[str]) -> dict:
    """Runs the CLI once into a fresh folder and returns its figures."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "synthsieve", "--quiet", "run", *inputs, "--output", out, *beam_flags]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        wall = time.perf_counter() - started
        manifest = json.loads((Path(out) / "_manifest.json").read_text())
    read = manifest["documents_read"]
    return {
        "wall_s": round(wall, 2),
        "documents_read": read,
        "docs_per_s_end_to_end": round(read / wall, 1),
        "docs_per_s_pipeline": manifest["documents_per_second"],
        "peak_rss_mib_largest_child": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "beam_options": manifest["beam_options"],
        "labels": manifest["labels"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--repeat", type=int, default=1)
    args, beam_flags = parser.parse_known_args()
    for _ in range(args.repeat):
        print(json.dumps(run_once(args.inputs, beam_flags)), flush=True)


if __name__ == "__main__":
    main()
