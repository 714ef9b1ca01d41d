"""The manifest's accounting, read back from shards written with the real schemas."""

import pyarrow as pa
import pyarrow.parquet as pq

from synthsieve.config import load_config
from synthsieve.pipeline.annotate import Annotator
from synthsieve.pipeline.manifest import count_outputs
from synthsieve.pipeline.run import accounting_problems
from synthsieve.schemas.records import (
    DEAD_LETTER_SCHEMA,
    DEDUPLICATED_SCHEMA,
    FILE_STATS_SCHEMA,
    KNOWN_DOCUMENTS_SCHEMA,
    SKIPPED_SCHEMA,
)

SCHEMA = Annotator(load_config(None, {"detectors.enabled": "markers_v1"})).decider.schema


def _write(folder, rows, schema):
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / "part-00000-of-00001.parquet")


def _documents(uri, n):
    row = {f.name: None for f in SCHEMA}
    row.update(id="x", text="t", content_hash="h", source_uri=uri, source_offset=0, source_format="jsonl", era="llm")
    row.update(lang="en", lang_confidence=1.0, ai_disclosure=[], n_words=1, p_synthetic=0.5, reasons=[])
    row.update(pipeline_version="0", detector_versions={}, near_dup_cluster="x", near_dup_count=1)
    row.update(is_canonical=True, near_dup_domains=[], near_dup_known_synthetic=False)
    return [row] * n


def _letter(uri, reason, role="input", offset=1):
    return dict(source_uri=uri, source_offset=offset, source_format="jsonl", stage="read", reason=reason,
                message="m", raw=None, pipeline_version="0", role=role)  # fmt: skip


def _stats(uri, n, role="input"):
    return {"source_uri": uri, "source_format": "jsonl", "documents_read": n, "role": role}


def _skip(uri, reason, role="input", offset=1):
    return dict(source_uri=uri, source_offset=offset, source_format="warc", reason=reason, url=None, role=role)


def _run(tmp_path, read_a=6):
    _write(tmp_path / "label=human", _documents("a.jsonl", 2), SCHEMA)
    letters = [_letter("a.jsonl", "invalid_json"), _letter("r.jsonl", "empty_text", "known_human")]
    letters += [_letter("r.jsonl", "truncated_file", "known_human"), _letter("gone.jsonl", "unreadable_file")]
    _write(tmp_path / "_accounting" / "dead_letter", letters, DEAD_LETTER_SCHEMA)
    skipped = [_skip("a.jsonl", "record_type:request"), _skip("a.jsonl", "record_type:request", offset=2)]
    skipped += [_skip("a.jsonl", "http_status:404", offset=3), _skip("r.jsonl", "not_text:text/css", "known_human")]
    _write(tmp_path / "_accounting" / "skipped", skipped, SKIPPED_SCHEMA)
    stats = [_stats("a.jsonl", read_a), _stats("r.jsonl", 6, "known_human"), _stats("gone.jsonl", 0)]
    _write(tmp_path / "_accounting" / "files", stats, FILE_STATS_SCHEMA)
    used = [{"source_uri": "r.jsonl", "role": "known_human", "documents": 3}]
    _write(tmp_path / "_accounting" / "known_documents", used, KNOWN_DOCUMENTS_SCHEMA)
    return {**count_outputs(str(tmp_path)), "output": str(tmp_path)}


def test_inputs_and_known_human_files_balance_separately(tmp_path):
    manifest = _run(tmp_path)
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


def test_a_file_that_does_not_balance_is_named_with_its_counts(tmp_path):
    manifest = _run(tmp_path, read_a=7)
    assert not manifest["balanced"] and not manifest["files"]["a.jsonl"]["balanced"]
    assert accounting_problems(manifest)[1] == (
        "accounting does not balance for a.jsonl: read 7, human 2, synthetic 0, uncertain 0, dead_letter 1, "
        "skipped 3, deduplicated 0"
    )


def test_near_duplicates_are_counted_by_canonical_rows_over_row_groups_and_removed_copies(tmp_path):
    def doc(cluster, count, canonical, known=False):
        row = _documents("a.jsonl", 1)[0]
        return {**row, "near_dup_cluster": cluster, "near_dup_count": count, "is_canonical": canonical,
                "near_dup_known_synthetic": known}  # fmt: skip

    human = [doc("c1", 3, True), doc("c2", 2, False, True), doc("s1", 1, True), doc("s2", 1, True, True)]
    (tmp_path / "label=human").mkdir()
    table = pa.Table.from_pylist(human, schema=SCHEMA)
    pq.write_table(table, tmp_path / "label=human" / "part-00000-of-00001.parquet", row_group_size=1)
    _write(tmp_path / "label=uncertain", [doc("c2", 2, True, True)], SCHEMA)
    removed = [{"id": "x", "source_uri": "a.jsonl", "near_dup_cluster": "c1", "label": "human"}] * 2
    _write(tmp_path / "_accounting" / "deduplicated", removed, DEDUPLICATED_SCHEMA)
    _write(tmp_path / "_accounting" / "files", [_stats("a.jsonl", 7)], FILE_STATS_SCHEMA)
    manifest = count_outputs(str(tmp_path))
    assert manifest["near_duplicates"] == {"clusters": 2, "duplicates": 3, "removed": 2, "known_synthetic_matches": 3}
    assert manifest["files"]["a.jsonl"] == {
        "read": 7, "human": 4, "synthetic": 0, "uncertain": 1, "dead_letter": 0, "skipped": 0, "deduplicated": 2,
        "balanced": True,
    }  # fmt: skip
