"""A run's output folder read with DuckDB: documents by label, dead letters, accounting and the manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from synthsieve.pipeline.outputs import MANIFEST, SHARE
from synthsieve.schemas.records import LABELS

NONE_KEY = "(none)"
MONTH = "strftime(crawl_date, '%Y-%m')"

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
    """The documents (a DuckDB view ``docs`` with ``label`` from the Hive partition) and accounting of one run."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        shards = sorted(str(p) for p in self.path.glob("label=*/*.parquet"))
        if not self.path.is_dir() or not (shards or (self.path / MANIFEST).exists()):
            raise ReportError(f"{path} is not a synthsieve output folder (no {MANIFEST}, no label=*/ shards)")
        manifest = self.path / MANIFEST
        self.manifest: dict[str, Any] = json.loads(manifest.read_text()) if manifest.exists() else {}
        self.db = duckdb.connect()
        self.db.execute("set TimeZone = 'UTC'")
        if shards:
            self.db.read_parquet(shards, hive_partitioning=True, union_by_name=True).create_view("docs")
        else:
            self.db.execute(f"create view docs as {_EMPTY_DOCS}")

    @property
    def name(self) -> str:
        return self.path.resolve().name

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
        shards = sorted(str(p) for p in (self.path / SHARE).glob("*.parquet"))
        if not shards:
            return []
        rel = self.db.read_parquet(shards)
        return [dict(zip(rel.columns, row)) for row in rel.order("source nulls first, month nulls first").fetchall()]

    def shard_counts(self, folder: str, key: str) -> dict[str, int]:
        """Rows per ``key`` value in the Parquet shards of ``folder`` (``outputs.DEAD_LETTERS``...), biggest first."""
        shards = sorted(str(p) for p in (self.path / folder).glob("*.parquet"))
        if not shards:
            return {}
        rel = self.db.read_parquet(shards)
        return dict(rel.aggregate(f"{key} as key, count(*) as n", key).order("n desc, key").fetchall())
