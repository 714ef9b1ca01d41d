"""A run's output folder read with DuckDB: documents by label, dead letters, accounting and the manifest."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from synthsieve.pipeline.outputs import (
    COPIES_REMOVED,
    DEAD_LETTERS,
    LABEL_FOLDERS,
    LABEL_SHARDS,
    MANIFEST,
    SHARE,
    SKIPPED_RECORDS,
    is_shard,
    join,
    relative_files,
)
from synthsieve.schemas.records import LABELS

NONE_KEY = "(none)"
MONTH = "strftime(crawl_date, '%Y-%m')"
#: The folders of a run whose shards the report reads: only these are copied from a remote folder (another reads as
#: empty there).
READ = (*LABEL_FOLDERS, SHARE, DEAD_LETTERS, SKIPPED_RECORDS, COPIES_REMOVED)

#: The columns the report reads, for the empty view of a folder that has no document shard.
_EMPTY_DOCS = (
    "select * from (values (null::varchar, null::varchar, null::varchar, null::varchar, null::varchar, "
    "null::varchar, null::timestamptz, null::float, null::int, null::varchar, null::varchar, null::varchar)) "
    "t(label, id, text, content_hash, domain, lang, crawl_date, p_synthetic, n_words, era, near_dup_cluster, "
    "source_uri) where false"
)


class ReportError(ValueError):
    """A folder or known-human text the report cannot read."""


class OutputFolder:
    """The documents (a DuckDB view ``docs`` with ``label`` from the Hive partition) and accounting of one run.

    ``path`` is a local folder (``path`` is then a ``Path``) or one on any Beam filesystem (``gs://``, ``s3://``: a
    string), whose manifest and the Parquet shards of ``READ`` are first copied to a local temporary folder: DuckDB
    reads only local files here (its httpfs extension is a download), and the report reads each shard several
    times. ``close`` (or leaving a ``with`` block) deletes the copy.
    """

    def __init__(self, path: str | Path):
        remote = "://" in str(path)
        self.path = str(path) if remote else Path(path)
        self._copy = _local_copy(str(path)) if remote else None
        self.root = Path(self._copy.name) if remote else self.path
        try:
            self.manifest, self.db = _opened(self.root, str(path))
        except BaseException:
            self._delete_copy()
            raise

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Closes the database and deletes the local copy of a remote folder."""
        self.db.close()
        self._delete_copy()

    def _delete_copy(self) -> None:
        if self._copy is not None:
            self._copy.cleanup()

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name if self._copy else self.path.resolve().name

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.db.execute(sql, params or []).fetchall()

    def label_counts(self) -> dict[str, int]:
        counts = dict(self.rows("select label, count(*) from docs group by label"))
        return {label: counts.get(label, 0) for label in LABELS}

    def breakdown(self, key_sql: str, limit: int | None = None, by_key: bool = False) -> list[dict[str, Any]]:
        """Documents per value of ``key_sql`` and label; the biggest first (or in key order), at most ``limit``."""
        per_label = ", ".join(f"count(*) filter (where label = '{label}')" for label in LABELS)
        order = "key" if by_key else "n desc, key"
        rows = self.rows(
            f"select coalesce(cast(({key_sql}) as varchar), '{NONE_KEY}') as key, {per_label}, count(*) as n "
            f"from docs group by key order by {order}" + (f" limit {int(limit)}" if limit else "")
        )
        return [{"key": r[0], **dict(zip(LABELS, r[1:-1])), "total": r[-1]} for r in rows]

    def histogram(self, bins: int) -> dict[str, list[int]]:
        """Documents per label in ``bins`` equal bins of p_synthetic over [0, 1]; those without one are left out."""
        out = {label: [0] * bins for label in LABELS}
        sql = f"select label, least(cast(floor(p_synthetic * {bins}) as int), {bins - 1}) as b, count(*) from docs"
        for label, b, n in self.rows(sql + " where p_synthetic is not null group by all"):
            out[label][b] = n
        return out

    def not_scored(self) -> dict[str, int]:
        """Documents per label without p_synthetic: no detector scored them and no hard evidence decided them."""
        counts = dict(self.rows("select label, count(*) from docs where p_synthetic is null group by label"))
        return {label: counts.get(label, 0) for label in LABELS}

    def partition(self, label: str) -> dict[str, Any]:
        """Documents, mean words and near-duplicate rate (1 - clusters / documents) of one label, exactly."""
        n, words, clusters = self.rows(
            "select count(*), avg(n_words), count(distinct near_dup_cluster) from docs where label = ?", [label]
        )[0]
        return {"documents": n, "mean_words": words, "near_dup_rate": (1 - clusters / n) if n else None}

    def sample(
        self, label: str, max_docs: int | None = None, month: str | None = None, max_words: int | None = None
    ) -> list[str]:
        """Texts of one label (and crawl month) in content-hash order: at most ``max_docs`` documents, and only
        those that start before ``max_words`` whitespace words."""
        where, params = "label = ?", [label]
        if month is not None:
            where, params = f"{where} and coalesce({MONTH}, '{NONE_KEY}') = ?", [label, month]
        order = "order by content_hash, id" + (f" limit {int(max_docs)}" if max_docs is not None else "")
        if max_words is None:
            return [r[0] for r in self.rows(f"select text from docs where {where} {order}", params)]
        before = "sum(n_words) over (order by content_hash, id rows between unbounded preceding and 1 preceding)"
        inner = f"select text, content_hash, id, coalesce({before}, 0) as before from docs where {where}"
        return [r[0] for r in self.rows(f"select text from ({inner}) where before < {int(max_words)} {order}", params)]

    def share_rows(self) -> list[dict[str, Any]]:
        """The rows of ``_accounting/synthetic_share/`` (the synthetic share per source and crawl month)."""
        shards = sorted(str(p) for p in (self.root / SHARE).glob("*.parquet"))
        if not shards:
            return []
        rel = self.db.read_parquet(shards)
        return [dict(zip(rel.columns, row)) for row in rel.order("source nulls first, month nulls first").fetchall()]

    def shard_counts(self, folder: str, key: str) -> dict[str, int]:
        """Rows per ``key`` value in the Parquet shards of ``folder`` (``outputs.DEAD_LETTERS``...), biggest first."""
        shards = sorted(str(p) for p in (self.root / folder).glob("*.parquet"))
        if not shards:
            return {}
        rel = self.db.read_parquet(shards)
        return dict(rel.aggregate(f"{key} as key, count(*) as n", key).order("n desc, key").fetchall())


def _opened(root: Path, path: str) -> tuple[dict[str, Any], duckdb.DuckDBPyConnection]:
    """The manifest of the output folder ``path`` (read at ``root``) and a database with the view ``docs`` of its
    documents."""
    shards = sorted(str(p) for p in root.glob(LABEL_SHARDS))
    if not root.is_dir() or not (shards or (root / MANIFEST).exists()):
        raise ReportError(f"{path} is not a synthsieve output folder (no {MANIFEST}, no {LABEL_SHARDS} shards)")
    manifest = json.loads((root / MANIFEST).read_text()) if (root / MANIFEST).exists() else {}
    db = duckdb.connect()
    db.execute("set TimeZone = 'UTC'")
    if shards:
        db.read_parquet(shards, hive_partitioning=True, union_by_name=True).create_view("docs")
    else:
        db.execute(f"create view docs as {_EMPTY_DOCS}")
    return manifest, db


def _local_copy(folder: str) -> tempfile.TemporaryDirectory:
    """A local temporary copy of the manifest and the Parquet shards of ``READ`` of ``folder`` (any Beam
    filesystem); ``cleanup`` deletes it (else the returned object's garbage collection)."""
    copy = tempfile.TemporaryDirectory(prefix="synthsieve-report-")
    try:
        for name in relative_files(folder):
            if name == MANIFEST or (is_shard(name) and name.endswith(".parquet") and name.rsplit("/", 1)[0] in READ):
                _copy_file(join(folder, name), Path(copy.name, name))
    except BaseException:
        copy.cleanup()
        raise
    return copy


def _copy_file(source: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileSystems.open(source, compression_type=CompressionTypes.UNCOMPRESSED) as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst)
