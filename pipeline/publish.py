"""Publishing a run's staged shards into its output folder, on local disks and object stores alike.

An object store has no folders and no rename of many files at once: a run is published file by file, and a crash
can stop it anywhere. Every step below is idempotent and keeps its state in the output folder itself, so the final
step, retried with the same run id or followed by a new run, converges to one run's complete output:

1. plan: make the manifest to publish (``count``), naming every shard, and write it into the run's staging folder;
   a retry reads it back (the shards may be partly moved by then). A run stages at least one shard per sink, empty
   or not: staging with no shard (deleted by something else) stops the publishing here, as does ``count`` finding
   that the shards do not hold the rows counted, and the output stays as it was.
2. clear: delete the published manifest, then every file under ``label=*/``, ``_near_dup_clusters/`` and
   ``_accounting/`` that the plan does not name: the previous run's shards and whatever a crashed run left.
3. move: move each planned shard that is still staged into place (one that is not must be in place already).
4. commit: move the staged manifest into place, last: a folder with a manifest is complete.
5. tidy: delete this run's staging folder, those of runs started over ``STALE_AFTER_S`` ago (killed ones: no run
   lasts that long) and any not named by a run id (no run writes there); a concurrent run's stays.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from typing import Any

from apache_beam.io.filesystems import FileSystems

from synthsieve.pipeline.outputs import (
    ACCOUNTING,
    MANIFEST,
    SHARD_FOLDERS,
    STAGING,
    delete_existing,
    delete_tree,
    is_shard,
    join,
    move,
    read_json,
    relative_files,
    run_started,
    staging_folder,
    write_json,
)

STALE_AFTER_S = 24 * 3600


class PublishError(RuntimeError):
    """The run's staged shards are gone or wrong (something else deleted them, e.g. another run into the folder):
    nothing is published."""


def publish(output: str, run_id: str, count: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Publishes the run ``run_id``'s staged shards into ``output`` and returns the manifest written there.

    Args:
        output: the output folder (any Beam filesystem).
        run_id: the run whose staging folder (``outputs.staging_folder``) holds the shards.
        count: makes the manifest, checked against the staged shards (raises ``PublishError`` if they do not hold
            the rows counted); called once unless a crash interrupts the plan.
    """
    manifest = published_manifest(output, run_id)
    if manifest is None:
        staging = staging_folder(output, run_id)
        manifest = _plan(staging, count)
        todo = _still_staged(staging, output, manifest["shards"])
        _clear(output, manifest["shards"])
        move([join(staging, name) for name in todo], [join(output, name) for name in todo])
        move([join(staging, MANIFEST)], [join(output, MANIFEST)])
    _tidy(output, run_id)
    return manifest


def published_manifest(output: str, run_id: str) -> dict[str, Any] | None:
    """The manifest in ``output`` if the run ``run_id`` published it (a retry after the commit), else None."""
    path = join(output, MANIFEST)
    if not FileSystems.exists(path):
        return None
    manifest = read_json(path)
    return manifest if manifest.get("run_id") == run_id else None


def _plan(staging: str, count: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The manifest to publish, with ``shards``: every staged shard, relative to the run's folder."""
    path = join(staging, MANIFEST)
    if FileSystems.exists(path):
        try:
            return read_json(path)
        except ValueError:  # a local write cut short by a crash; nothing has moved yet, as moving starts after it
            pass
    shards = [name for name in relative_files(staging) if is_shard(name)]
    if not shards:  # every sink stages a shard, even an empty one
        raise PublishError(f"{staging} holds no shard: its run's output is gone")
    manifest = count()
    manifest["shards"] = shards
    write_json(path, manifest)
    return manifest


def _clear(output: str, keep: list[str]) -> None:
    """Deletes the published manifest, then every published file that is not in ``keep``."""
    delete_existing([join(output, MANIFEST)])
    kept = set(keep)
    stale = [
        join(output, folder, name)
        for folder in (*SHARD_FOLDERS, ACCOUNTING)
        for name in relative_files(join(output, folder))
        if f"{folder}/{name}" not in kept
    ]
    if stale:
        FileSystems.delete(stale)


def _tidy(output: str, run_id: str) -> None:
    """Deletes the staging folders of the run ``run_id`` and of no run still running: started over ``STALE_AFTER_S``
    ago, or not named by a run id; then, on a local disk, ``_staging/`` itself if that left it empty."""
    root = join(output, STAGING)
    runs = {name.split("/", 1)[0] for name in relative_files(root)}
    cutoff = time.time() - STALE_AFTER_S
    stale = sorted(run for run in runs if run != run_id and (run_started(run) or 0) < cutoff)
    delete_tree(staging_folder(output, run_id), *(join(root, run) for run in stale))
    if FileSystems.get_scheme(root) is None:  # a local path
        with contextlib.suppress(OSError):  # not empty: a concurrent run's staging, or empty folders of one
            os.rmdir(root)


def _still_staged(staging: str, output: str, files: list[str]) -> list[str]:
    """Those of the planned ``files`` still in ``staging``; the others must be in ``output`` already (moved by an
    earlier attempt), else nothing is touched."""
    staged = set(relative_files(staging))
    lost = [name for name in files if name not in staged and not FileSystems.exists(join(output, name))]
    if lost:
        raise PublishError(f"{len(lost)} shard(s) of this run are gone from {staging} and {output}: {lost[:3]}")
    return [name for name in files if name in staged]
