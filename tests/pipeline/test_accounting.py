"""The accounting counted in the graph: tallies of the written records summed by a combiner, and a final step that
counts no row itself."""

import io
import json

import apache_beam as beam
import duckdb
import pyarrow.parquet as pq
import pytest
from apache_beam.io.filesystems import FileSystems
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from synthsieve.config import load_config
from synthsieve.pipeline.accounting import SumTallies, TallyFn
from synthsieve.pipeline.outputs import DEAD_LETTERS, FILES_READ
from synthsieve.pipeline.run import run_job
from synthsieve.pipeline.tally import FILE_ERRORS, add_dead_letter, add_file_stats

from builders import HUMAN_TEXT, SYNTHETIC_TEXT


def _letter(uri, reason, offset):
    return {"source_uri": uri, "role": "input", "reason": reason, "message": f"at {offset}"}


def _counts(tally):
    return dict(tally.files), dict(tally.reasons), dict(tally.rows), tally.records[FILE_ERRORS]


def test_the_tallies_of_every_bundle_of_every_written_collection_sum_to_one():
    letters = [_letter(f"{i % 3}.jsonl", "invalid_json" if i % 2 else "truncated_record", i) for i in range(60)]
    letters.append({"source_uri": "gone.jsonl", "role": "input", "reason": "unreadable_file", "message": "gone"})
    stats = [{"source_uri": f"{i}.jsonl", "role": "input", "documents_read": 30} for i in range(3)]
    with TestPipeline() as p:
        tallied = [
            p
            | f"Create{folder}" >> beam.Create(records, reshuffle=True)  # reshuffled: several bundles
            | f"Tally{folder}" >> beam.ParDo(TallyFn(folder, add))
            for folder, records, add in ((DEAD_LETTERS, letters, add_dead_letter), (FILES_READ, stats, add_file_stats))
        ]
        counts = tuple(tallied) | SumTallies() | beam.Map(_counts)
        files = {(u, c): 0 for u in ("0.jsonl", "1.jsonl", "2.jsonl") for c in ("read", "dead_letter")}
        files.update({k: 30 if k[1] == "read" else 20 for k in files})
        reasons = {("dead_letter", "input", f"{u}.jsonl", r): 10 for u in range(3) for r in ("invalid_json",
                   "truncated_record")}  # fmt: skip
        rows = {DEAD_LETTERS: 61, FILES_READ: 3}
        errors = [{"source_uri": "gone.jsonl", "role": "input", "message": "gone"}]
        expected = ({("input", u, c): n for (u, c), n in files.items()}, reasons, rows, errors)
        assert_that(counts, equal_to([expected]))


LETTERS = 3000
IN_MEMORY = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]  # the final step runs in this process


@pytest.fixture
def many_dead_letters(write_jsonl):
    """A JSONL file of a few documents and ``LETTERS`` broken lines, each with its own text."""
    rows = [{"id": "h", "text": HUMAN_TEXT}, {"id": "s", "text": SYNTHETIC_TEXT}]
    rows += [f'{{"id": "broken {i}", "text": {i} {HUMAN_TEXT[:40]}' for i in range(LETTERS)]
    return write_jsonl(rows, "broken.jsonl")


def footers_only(opened: list[str]):
    """``FileSystems.open`` that gives the dead-letter shards with every byte before their Parquet footer zeroed:
    their footers read as written, their rows cannot be read at all."""
    real_open = FileSystems.open

    def open_(path, *args, **kwargs):
        stream = real_open(path, *args, **kwargs)
        if f"/{DEAD_LETTERS}/" not in path:
            return stream
        opened.append(path)
        data = bytearray(stream.read())
        footer = int.from_bytes(data[-8:-4], "little") + 8
        data[4 : len(data) - footer] = bytes(len(data) - footer - 4)
        return io.BytesIO(data)

    return open_


def test_the_manifest_counts_every_dead_letter_while_the_final_step_reads_only_footers(
    many_dead_letters, tmp_path, monkeypatch
):
    opened = []
    monkeypatch.setattr(FileSystems, "open", footers_only(opened))
    out = tmp_path / "out"
    manifest = run_job([str(many_dead_letters)], str(out), load_config(None), IN_MEMORY)
    monkeypatch.undo()
    assert opened, "the final step checks the dead-letter shards' footers"
    with pytest.raises(OSError):  # what the final step saw of the rows: nothing readable
        pq.read_table(footers_only([])(opened[0]))
    shards = f"read_parquet('{out}/{DEAD_LETTERS}/*.parquet')"
    on_disk = dict(duckdb.sql(f"select reason, count(*) from {shards} group by 1").fetchall())
    assert sum(on_disk.values()) == LETTERS and manifest["dead_letter"]["by_reason"] == on_disk
    assert manifest["balanced"] and manifest["documents_read"] == LETTERS + 2
    assert manifest["files"][str(many_dead_letters)]["dead_letter"] == LETTERS
    assert json.loads((out / "_manifest.json").read_text())["dead_letter"]["total"] == LETTERS
