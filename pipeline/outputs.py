"""The layout of a run's output folder (the one owner of its path strings) and file operations on any Beam
filesystem, object stores included: there a folder is only a prefix of its files' names, so folders are listed
with a glob and deleted file by file."""

from __future__ import annotations

import calendar
import json
import secrets
import time
from collections import Counter
from typing import Any

import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from synthsieve.schemas.records import LABELS


def label_folder(label: str) -> str:
    """The folder of a run that holds its ``label`` documents: a Hive partition, ``label=human``."""
    return f"label={label}"


#: Every file that is not a document shard has a name starting with ``_``, which pandas, pyarrow, Polars and Spark
#: leave out when they read the output folder as one table.
MANIFEST = "_manifest.json"
ACCOUNTING = "_accounting"
DEAD_LETTERS = f"{ACCOUNTING}/dead_letter"
SKIPPED_RECORDS = f"{ACCOUNTING}/skipped"
SHARE = f"{ACCOUNTING}/synthetic_share"
FILES_READ = f"{ACCOUNTING}/files"
KNOWN_USED = f"{ACCOUNTING}/known_documents"
COPIES_REMOVED = f"{ACCOUNTING}/deduplicated"
CALIBRATED = f"{ACCOUNTING}/calibration"
ROUNDS = f"{ACCOUNTING}/near_dup_rounds"
#: One row per near-duplicate cluster, joined with the documents by ``near_dup_cluster``; ``_``: not a document table.
NEAR_DUP_CLUSTERS = "_near_dup_clusters"
LABEL_FOLDERS = tuple(label_folder(label) for label in LABELS)
#: The folders whose files (``FOLDER/FILE``) are a run's shards, besides those of ``_accounting/*/``.
SHARD_FOLDERS = (*LABEL_FOLDERS, NEAR_DUP_CLUSTERS)
#: Every document shard of a run, as a glob relative to its folder.
LABEL_SHARDS = f"{label_folder('*')}/*.parquet"
#: A run's outputs; the manifest first: it is deleted first and written last, so a folder with a manifest is complete.
PUBLISHED = (MANIFEST, *SHARD_FOLDERS, ACCOUNTING)
#: Each run writes under ``_staging/RUN_ID/``, its scored batches under ``_staging/RUN_ID/_scored/``.
STAGING = "_staging"
SCORED = "_scored"
_RUN_TIME = "%Y%m%dT%H%M%SZ"  # a run id's start: its UTC start time


def join(*parts: str) -> str:
    """Joins path parts with the filesystem's separator (works for local paths and gs://, s3://)."""
    return FileSystems.join(*parts)


def new_run_id() -> str:
    """A run's id: its UTC start time (so ids sort by start) and random digits (so two runs never share one)."""
    return f"{time.strftime(_RUN_TIME, time.gmtime())}-{secrets.token_hex(4)}"


def run_started(run_id: str) -> float | None:
    """When the run ``run_id`` started (seconds since the epoch), from its id; None for an id ``new_run_id`` did
    not make."""
    try:
        return calendar.timegm(time.strptime(run_id.split("-", 1)[0], _RUN_TIME))
    except ValueError:
        return None


def staging_folder(output: str, run_id: str) -> str:
    """The folder the run ``run_id`` writes its shards into before they are published into ``output``."""
    return join(output, STAGING, run_id)


def is_shard(name: str) -> bool:
    """Whether ``name`` (relative to a run's folder) is one of the shards a run publishes: ``label=*/FILE``,
    ``_near_dup_clusters/FILE`` or ``_accounting/*/FILE``; not the scored batches, the manifest or a sink's temporary
    files."""
    parts = name.split("/")
    return (len(parts) == 2 and parts[0] in SHARD_FOLDERS) or (len(parts) == 3 and parts[0] == ACCOUNTING)


def files_under(folder: str, pattern: str = "*") -> list[str]:
    """Sorted paths of the files matching ``folder/pattern`` (none if the folder does not exist)."""
    result = FileSystems.match([join(folder, pattern)])[0]
    return sorted(m.path for m in result.metadata_list if not m.path.endswith("/"))


def relative_files(folder: str) -> list[str]:
    """The names, relative to ``folder``, of every file under it at any depth."""
    return [path[len(folder) :].lstrip("/") for path in files_under(folder, "**")]


def shard_rows(folder: str) -> Counter:
    """Rows per folder (``label=human``, ``_accounting/dead_letter``...) of the shards under a run's ``folder``, from
    the Parquet footers alone: no row is read, whatever the shards hold."""
    rows = Counter()
    for name in relative_files(folder):
        if is_shard(name) and name.endswith(".parquet"):
            with FileSystems.open(join(folder, name)) as stream:
                rows[name.rsplit("/", 1)[0]] += pq.ParquetFile(stream).metadata.num_rows
    return rows


def delete_existing(paths: list[str]) -> None:
    """Deletes those of ``paths`` (files, or folders with everything under them) that exist."""
    existing = [p for p in paths if FileSystems.exists(p)]
    if existing:
        FileSystems.delete(existing)


def delete_tree(*folders: str) -> None:
    """Deletes ``folders`` and everything under them, in one batch: on an object store, every file whose name one of
    them prefixes."""
    if not folders:
        return
    if FileSystems.get_filesystem(folders[0]).has_dirs():
        delete_existing(list(folders))
    elif files := [path for folder in folders for path in files_under(folder, "**")]:
        FileSystems.delete(files)


def move(sources: list[str], targets: list[str]) -> None:
    """Moves each of ``sources`` to its target, replacing a file there (on an object store: copy, then delete)."""
    if not sources:
        return
    if FileSystems.get_filesystem(targets[0]).has_dirs():  # object stores have no folders to make
        for parent in sorted({t.rsplit("/", 1)[0] for t in targets}):
            _mkdirs(parent)
    FileSystems.rename(sources, targets)


def write_json(path: str, data: dict[str, Any]) -> None:
    """Writes ``data`` as indented JSON to ``path`` on any Beam filesystem."""
    with FileSystems.create(path) as stream:
        stream.write(json.dumps(data, indent=2, sort_keys=True, default=str).encode())


def read_json(path: str) -> dict[str, Any]:
    """Reads a JSON object from ``path`` on any Beam filesystem."""
    with FileSystems.open(path) as stream:
        return json.loads(stream.read())


def _mkdirs(path: str) -> None:
    try:
        FileSystems.mkdirs(path)
    except OSError:  # exists already
        pass
