"""The manifest's accounting, from the tally of records shaped by the real schemas, checked against the shards."""

import pyarrow as pa

from synthsieve.config import load_config
from synthsieve.pipeline.annotate import Annotator
from synthsieve.pipeline.manifest import summarize
from synthsieve.pipeline.outputs import (
    COPIES_REMOVED,
    DEAD_LETTERS,
    FILES_READ,
    KNOWN_USED,
    NEAR_DUP_CLUSTERS,
    SKIPPED_RECORDS,
)
from synthsieve.pipeline.run import accounting_problems
from synthsieve.pipeline.tally import (
    CONVERGENCE,
    Tally,
    add_dead_letter,
    add_documents,
    add_file_stats,
    add_known_documents,
    add_record,
    add_removed,
    add_skipped,
)
from synthsieve.schemas.records import CONVERGENCE_SCHEMA

SCHEMA = Annotator(load_config(None, {"detectors.enabled": "markers_v1"})).decider.schema


def _documents(uri, n):
    row = {f.name: None for f in SCHEMA}
    row.update(id="x", text="t", content_hash="h", source_uri=uri, source_offset=0, source_format="jsonl", era="llm")
    row.update(lang="en", lang_confidence=1.0, ai_disclosure=[], n_words=1, p_synthetic=0.5, reasons=[])
    row.update(pipeline_version="0", detector_versions={}, near_dup_cluster="x", near_dup_count=1)
    row.update(is_canonical=True, near_dup_domain_count=0, near_dup_known_synthetic=False)
    return [row] * n


def _letter(uri, reason, role="input", offset=1):
    return dict(source_uri=uri, source_offset=offset, source_format="jsonl", stage="read", reason=reason,
                message="m", raw=None, pipeline_version="0", role=role)  # fmt: skip


def _stats(uri, n, role="input"):
    return {"source_uri": uri, "source_format": "jsonl", "documents_read": n, "role": role}


def _skip(uri, reason, role="input", offset=1):
    return dict(source_uri=uri, source_offset=offset, source_format="warc", reason=reason, url=None, role=role)


def _add(tally, folder, add, records):
    """Counts ``records`` into ``tally`` as ``pipeline.accounting.TallyFn`` does on their way to ``folder``."""
    for record in records:
        add(tally, record)
        tally.rows[folder] += record.num_rows if isinstance(record, pa.Table) else 1


def _human(tally, rows):
    _add(tally, "label=human", lambda t, table: add_documents(t, table, "human"), [pa.Table.from_pylist(rows, SCHEMA)])


def _run(read_a=6):
    tally = Tally()
    _human(tally, _documents("a.jsonl", 2))
    letters = [_letter("a.jsonl", "invalid_json"), _letter("r.jsonl", "empty_text", "known_human")]
    letters += [_letter("r.jsonl", "truncated_file", "known_human"), _letter("gone.jsonl", "unreadable_file")]
    _add(tally, DEAD_LETTERS, add_dead_letter, letters)
    skipped = [_skip("a.jsonl", "record_type:request"), _skip("a.jsonl", "record_type:request", offset=2)]
    skipped += [_skip("a.jsonl", "http_status:404", offset=3), _skip("r.jsonl", "not_text:text/css", "known_human")]
    _add(tally, SKIPPED_RECORDS, add_skipped, skipped)
    stats = [_stats("a.jsonl", read_a), _stats("r.jsonl", 6, "known_human"), _stats("gone.jsonl", 0)]
    _add(tally, FILES_READ, add_file_stats, stats)
    _add(tally, KNOWN_USED, add_known_documents, [{"source_uri": "r.jsonl", "role": "known_human", "documents": 3}])
    return tally


def test_inputs_and_known_human_files_balance_separately():
    tally = _run()
    manifest = summarize(tally, tally.rows)
    assert manifest["balanced"] and manifest["documents_read"] == 6
    assert manifest["dead_letter"] == {"total": 1, "by_reason": {"invalid_json": 1}}
    assert manifest["skipped"] == {"total": 3, "by_reason": {"http_status:404": 1, "record_type:request": 2}}
    assert manifest["files"]["a.jsonl"]["skipped"] == 3
    assert manifest["known"]["files"]["known_human:r.jsonl"] == {
        "role": "known_human", "read": 6, "used": 3, "dead_letter": 2, "skipped": 1, "balanced": True,
    }  # fmt: skip
    assert manifest["known"]["skipped"] == {"total": 1, "by_reason": {"not_text:text/css": 1}}
    assert manifest["known"]["dead_letter"]["by_reason"] == {"empty_text": 1, "truncated_file": 1}
    assert manifest["damaged_files"] == {"r.jsonl": {"truncated_file": 1}}
    assert accounting_problems(manifest) == ["cannot read gone.jsonl (input): m"]


def test_a_file_that_does_not_balance_is_named_with_its_counts():
    tally = _run(read_a=7)
    manifest = summarize(tally, tally.rows)
    assert not manifest["balanced"] and not manifest["files"]["a.jsonl"]["balanced"]
    assert accounting_problems(manifest)[1] == (
        "accounting does not balance for a.jsonl: read 7, human 2, synthetic 0, uncertain 0, dead_letter 1, "
        "skipped 3, deduplicated 0"
    )


def test_shards_that_do_not_hold_the_rows_counted_do_not_balance():
    tally = _run()
    assert summarize(tally, {**tally.rows, "label=synthetic": 0})["balanced"]  # an empty shard is no row
    for written in ({**tally.rows, DEAD_LETTERS: 3}, {k: n for k, n in tally.rows.items() if k != SKIPPED_RECORDS}):
        manifest = summarize(tally, written)
        assert not manifest["balanced"] and all(f["balanced"] for f in manifest["files"].values())
        assert accounting_problems(manifest)[-1].endswith("or the written shards do not hold the rows counted")


def test_cluster_rows_are_checked_against_their_shards_and_are_no_documents():
    tally = _run()
    before = summarize(tally, tally.rows)
    tally.rows[NEAR_DUP_CLUSTERS] += 2  # a table of two clusters, as ``TallyFn(NEAR_DUP_CLUSTERS, None)`` counts it
    assert summarize(tally, tally.rows) == before  # documents, labels and balance unchanged
    assert not summarize(tally, {**tally.rows, NEAR_DUP_CLUSTERS: 1})["balanced"]


def test_near_duplicates_are_counted_by_canonical_rows_over_tables_and_removed_copies():
    def doc(cluster, count, canonical, known=False):
        row = _documents("a.jsonl", 1)[0]
        return {**row, "near_dup_cluster": cluster, "near_dup_count": count, "is_canonical": canonical,
                "near_dup_known_synthetic": known}  # fmt: skip

    tally = Tally()
    for row in [doc("c1", 3, True), doc("c2", 2, False, True), doc("s1", 1, True), doc("s2", 1, True, True)]:
        _human(tally, [row])  # one table each: counts add up across tables
    uncertain = pa.Table.from_pylist([doc("c2", 2, True, True)], SCHEMA)
    _add(tally, "label=uncertain", lambda t, table: add_documents(t, table, "uncertain"), [uncertain])
    removed = [{"id": "x", "source_uri": "a.jsonl", "near_dup_cluster": "c1", "label": "human"}] * 2
    _add(tally, COPIES_REMOVED, add_removed, [pa.Table.from_pylist(removed)])
    _add(tally, FILES_READ, add_file_stats, [_stats("a.jsonl", 7)])
    manifest = summarize(tally, tally.rows)
    assert manifest["near_duplicates"] == {
        "clusters": 2,
        "duplicates": 3,
        "removed": 2,
        "known_synthetic_matches": 3,
        "largest_cluster": 3,
        **dict.fromkeys(["round_limit", "rounds_used", "converged"]),  # no convergence record written
    }
    assert manifest["files"]["a.jsonl"] == {
        "read": 7, "human": 4, "synthetic": 0, "uncertain": 1, "dead_letter": 0, "skipped": 0, "deduplicated": 2,
        "balanced": True,
    }  # fmt: skip


def test_near_duplicate_rounds_come_from_their_accounting_record():
    row = {"round_limit": 12, "rounds_used": 12, "converged": False}
    tally = Tally()
    add_record(CONVERGENCE, CONVERGENCE_SCHEMA, tally, row)
    near = summarize(tally, {})["near_duplicates"]
    assert {k: near[k] for k in row} == row and near["largest_cluster"] == 0
