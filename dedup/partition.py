"""Hash partitioning of column blocks: how near-duplicate work is spread over a fixed number of groups.

Every distributed step of the clustering keys whole blocks (numpy arrays or pyarrow tables of many rows) by a
partition number, so the runner shuffles a few large elements instead of one element per document or bucket key.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa


def partition_of(keys: np.ndarray, partitions: int) -> np.ndarray:
    """Partition number of each 64-bit hash key (keys are uniform hashes, so a modulus spreads them evenly)."""
    return (np.asarray(keys, dtype=np.uint64) % np.uint64(partitions)).astype(np.int64)


def split(keys: np.ndarray, partitions: int, *columns) -> list[tuple[int, tuple]]:
    """Rows of ``columns`` grouped by the partition of ``keys``: ``(partition, column slices)`` per non-empty one, in
    partition order. Costs O(rows log rows) whatever the number of partitions.

    Args:
        keys: uint64 hash per row.
        partitions: number of partitions.
        columns: numpy arrays or pyarrow tables aligned with ``keys``.
    """
    part = partition_of(keys, partitions)
    order = np.argsort(part, kind="stable")
    return [(p, tuple(_take(c, rows) for c in columns)) for p, rows in _runs(part[order], order)]


def by_key(keys: np.ndarray, table: pa.Table) -> list[tuple[int, pa.Table]]:
    """Rows of ``table`` grouped by their key: ``(key, rows)`` per distinct key, in key order."""
    order = np.argsort(keys, kind="stable")
    return [(key, table.take(pa.array(rows))) for key, rows in _runs(keys[order], order)]


def _runs(sorted_keys: np.ndarray, order: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """``(key, row positions)`` per run of equal keys in ``sorted_keys`` (``order``: their rows)."""
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]) if len(sorted_keys) else np.zeros(0, int)
    bounds = np.r_[starts, len(sorted_keys)]
    return [(int(sorted_keys[lo]), order[lo:hi]) for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist())]


def concat(blocks: Sequence[tuple], width: int) -> tuple:
    """Blocks of ``width`` aligned columns joined column by column (empty uint64 columns when there are none)."""
    if not blocks:
        return tuple(np.zeros(0, dtype=np.uint64) for _ in range(width))
    return tuple(_concat([b[i] for b in blocks]) for i in range(width))


def _take(column, index: np.ndarray):
    return column.take(pa.array(index)) if isinstance(column, pa.Table) else column[index]


def _concat(parts: list):
    return pa.concat_tables(parts) if isinstance(parts[0], pa.Table) else np.concatenate(parts)


def index_of(sorted_keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Positions of ``query`` in the sorted ``sorted_keys``; every queried key must be there."""
    pos = np.searchsorted(sorted_keys, query)
    found = pos < len(sorted_keys)
    found[found] = sorted_keys[pos[found]] == query[found]
    if not found.all():
        raise KeyError(f"{int((~found).sum())} keys are missing from the block, e.g. {query[~found][0]}")
    return pos
