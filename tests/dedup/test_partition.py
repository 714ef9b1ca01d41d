import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthsieve.dedup.partition import by_key, concat, index_of, partition_of, split


def test_split_groups_rows_of_arrays_and_tables_by_partition_and_concat_restores_them():
    keys = np.array([7, 2, 9, 4, 12], dtype=np.uint64)
    table = pa.table({"k": keys})
    parts = split(keys, 3, keys, table)
    assert [p for p, _ in parts] == [0, 1, 2]
    assert [cols[0].tolist() for _, cols in parts] == [[9, 12], [7, 4], [2]]
    assert all(cols[1].column("k").to_pylist() == cols[0].tolist() for _, cols in parts)
    joined, tables = concat([cols for _, cols in parts], 2)
    assert sorted(joined.tolist()) == sorted(keys.tolist()) and tables.num_rows == 5
    assert partition_of(keys, 3).tolist() == [1, 2, 0, 1, 0]
    assert [len(c) for c in concat([], 2)] == [0, 0]


def test_index_of_finds_keys_and_names_a_missing_one():
    keys = np.array([3, 5, 8], dtype=np.uint64)
    assert index_of(keys, np.array([8, 3], dtype=np.uint64)).tolist() == [2, 0]
    with pytest.raises(KeyError, match="1 keys are missing"):
        index_of(keys, np.array([4, 9], dtype=np.uint64)[:1])
    with pytest.raises(KeyError):
        index_of(keys, np.array([9], dtype=np.uint64))


def test_by_key_groups_table_rows_by_exact_key_in_key_order():
    keys = np.array([9, 2, 9, 5, 2], dtype=np.uint64)
    groups = by_key(keys, pa.table({"row": range(5)}))
    assert [(k, t.column("row").to_pylist()) for k, t in groups] == [(2, [1, 4]), (5, [3]), (9, [0, 2])]
    assert by_key(np.zeros(0, np.uint64), pa.table({"row": pa.array([], pa.int64())})) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=200), st.sampled_from([1, 3, 64, 20_000, 1_000_000]))
def test_split_matches_a_partition_by_partition_grouping_for_any_partition_count(keys, partitions):
    keys = np.array(keys, dtype=np.uint64)
    rows = np.arange(len(keys))
    expected = [
        (p, rows[partition_of(keys, partitions) == p].tolist())
        for p in sorted(set(partition_of(keys, partitions).tolist()))
    ]
    assert [(p, cols[0].tolist()) for p, cols in split(keys, partitions, rows)] == expected
