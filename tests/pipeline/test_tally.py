"""The tally's pure counting functions: what each written record adds, and merging in any split."""

import numpy as np
import pyarrow as pa

from synthsieve.pipeline.tally import (
    CALIBRATION,
    CORPUS_SHARE,
    FILE_ERRORS,
    Tally,
    add_dead_letter,
    add_documents,
    add_file_stats,
    add_record,
    add_removed,
    add_share,
    add_skipped,
)
from synthsieve.schemas.records import CALIBRATION_SCHEMA


def _letter(uri, reason, role="input", message="m"):
    return {"source_uri": uri, "role": role, "reason": reason, "message": message}


def _documents(uris, sizes, canonical, lm=None):
    columns = {"source_uri": uris, "near_dup_count": pa.array(sizes, pa.int32()), "is_canonical": canonical}
    columns["near_dup_known_synthetic"] = [False] * len(uris)
    if lm is not None:
        columns["lm_v2__p"] = pa.array(lm, pa.float32())
    return pa.table(columns)


def _tally_of(letters):
    tally = Tally()
    for letter in letters:
        add_dead_letter(tally, letter)
    return tally


def test_dead_letters_are_counted_per_file_and_reason_and_only_unreadable_files_are_kept():
    tally = _tally_of([_letter("a", "invalid_json"), _letter("a", "invalid_json"), _letter("r", "empty_text",
                       "known_human"), _letter("gone", "unreadable_file", message="No such file")])  # fmt: skip
    assert tally.files == {("input", "a", "dead_letter"): 2, ("known_human", "r", "dead_letter"): 1}
    assert tally.reasons == {("dead_letter", "input", "a", "invalid_json"): 2,
                             ("dead_letter", "known_human", "r", "empty_text"): 1}  # fmt: skip
    assert tally.records[FILE_ERRORS] == [{"source_uri": "gone", "role": "input", "message": "No such file"}]


def test_documents_count_per_file_clusters_by_canonical_rows_and_lm_scores():
    tally = Tally()
    table = _documents(["a", "a", "b"], [3, 3, 1], [True, False, True], lm=[0.5, None, 0.1])
    add_documents(tally, table, "uncertain", "lm_v2__p")
    add_removed(tally, pa.table({"source_uri": ["a"]}))
    assert tally.files == {("input", "a", "uncertain"): 2, ("input", "b", "uncertain"): 1,
                           ("input", "a", "deduplicated"): 1}  # fmt: skip
    assert tally.near == {"clusters": 1, "duplicates": 2, "removed": 1, "known_synthetic_matches": 0}
    assert tally.largest == 3 and tally.lm_scored == {"uncertain": 2}


def test_kept_rows_are_cast_to_their_schema_as_the_shard_holds_them():
    tally = Tally()
    add_record(CALIBRATION, CALIBRATION_SCHEMA, tally, {"source": "s", "known_human": np.int64(40), "synthetic":
                                                         np.float64(0.1), "human": 0.05})  # fmt: skip
    (row,) = tally.records[CALIBRATION]
    assert type(row["known_human"]) is int and row["synthetic"] == float(np.float32(0.1)) != 0.1


def test_share_rows_keep_the_corpus_row_and_name_sources_and_months():
    tally = Tally()
    rows = [(None, None), ("s", None), ("s", "2024-01"), (None, "2024-01"), (None, "2024-02")]
    for source, month in rows:
        add_share(tally, {"source": source, "month": month, "documents": 3, "scored": 2, "human_references": 0,
                          "synthetic_references": 0, "method": "m"})  # fmt: skip
    assert [r["documents"] for r in tally.records[CORPUS_SHARE]] == [3]
    assert set(tally.share_keys) == {("source", "s"), ("month", "2024-01"), ("month", "2024-02")}


def test_any_split_of_the_records_merges_to_the_same_tally():
    letters = [_letter(uri, reason) for uri in "abc" for reason in ("invalid_json", "truncated_file")]
    letters.append(_letter("gone", "unreadable_file"))
    whole = _tally_of(letters)
    for split in (1, 3, 6):
        parts = [_tally_of(letters[:split]), _tally_of(letters[split:])]
        merged = Tally().merge(parts[1]).merge(parts[0])
        assert merged.files == whole.files and merged.reasons == whole.reasons
        assert merged.records == whole.records


def test_merge_keeps_the_largest_cluster_and_sums_counters():
    a, b = Tally(), Tally()
    add_documents(a, _documents(["x"], [5], [True]), "human")
    add_documents(b, _documents(["x", "y"], [2, 1], [True, True]), "human")
    add_skipped(b, {"role": "input", "source_uri": "x", "reason": "http_status:404"})
    add_file_stats(b, {"role": "input", "source_uri": "x", "documents_read": 4})
    a.merge(b)
    assert a.largest == 5 and a.near["clusters"] == 2
    assert a.files == {("input", "x", "human"): 2, ("input", "y", "human"): 1, ("input", "x", "skipped"): 1,
                       ("input", "x", "read"): 4}  # fmt: skip
