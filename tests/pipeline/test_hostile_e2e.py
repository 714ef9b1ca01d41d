"""End to end on hostile inputs: the run completes, every bad record is dead-lettered with its reason, the accounting
balances per file, and a rerun into the same folder replaces it with identical results."""

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from synthsieve.cli import main

from builders import HUMAN_TEXT
from hostile import CONFIG, hostile_corpus, known_files

IN_MEMORY = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]
DOCUMENTS = "select id, content_hash, p_synthetic, label, reasons, near_dup_cluster, source_uri, source_offset"


def _run(corpus, human, known, config, out, runner):
    args = [*corpus.inputs, "-o", str(out), "--config", str(config), "--known-human", human]
    args += ["--known-synthetic", known]
    return CliRunner().invoke(main, ["--quiet", "run", *args, *runner], catch_exceptions=False)


def _documents(out: Path) -> list[tuple]:
    parquet = f"read_parquet('{out}/label=*/*.parquet', hive_partitioning=true)"
    return duckdb.sql(f"{DOCUMENTS} from {parquet} order by source_uri, source_offset").fetchall()


def _dead_letters(out: Path) -> list[tuple]:
    columns = "source_uri, source_offset, reason, role, stage, message"
    return sorted(
        duckdb.sql(f"select {columns} from read_parquet('{out}/_accounting/dead_letter/*.parquet')").fetchall()
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    corpus = hostile_corpus(folder)
    human, known, known_dead = known_files(folder)
    config = folder / "config.yaml"
    config.write_text(CONFIG)
    out = folder / "out"
    result = _run(corpus, human, known, config, out, IN_MEMORY)
    return corpus, (human, known, config), known_dead, out, result


def test_the_run_completes_and_says_which_files_are_damaged(hostile):
    _, _, _, out, result = hostile
    assert result.exit_code == 0, result.output
    assert "accounting balanced" in result.output
    assert "damaged: " in result.output and "truncated.warc.gz (truncated_record 1)" in result.output
    assert json.loads((out / "_manifest.json").read_text())["file_errors"] == []


def test_every_bad_record_is_dead_lettered_with_its_reason(hostile):
    corpus, _, known_dead, out, _ = hostile
    letters = _dead_letters(out)
    inputs = {(Path(uri).name, offset): reason for uri, offset, reason, role, _, _ in letters if role == "input"}
    assert inputs == corpus.dead
    known = {(Path(u).name, o): (role, reason) for u, o, reason, role, _, _ in letters if role != "input"}
    assert known == known_dead
    assert all(message for *_, message in letters)
    skipped = duckdb.sql(f"select source_uri, source_offset, reason from read_parquet('{out}/_accounting/skipped/*')")
    assert {(Path(uri).name, offset): reason for uri, offset, reason in skipped.fetchall()} == corpus.skipped


def test_accounting_balances_per_file_and_no_bad_record_is_labelled(hostile):
    corpus, _, _, out, _ = hostile
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["balanced"]
    assert {Path(uri).name: f["read"] for uri, f in manifest["files"].items()} == corpus.read
    assert all(f["balanced"] for f in manifest["files"].values())
    labelled = {(Path(uri).name, offset) for *_, uri, offset in _documents(out)}
    assert not labelled & set(corpus.dead)
    assert len(labelled) == sum(corpus.read.values()) - len(corpus.dead) - len(corpus.skipped)
    query = f"select length(text), reasons from read_parquet('{out}/label=*/*.parquet') where id = 'long'"
    [(length, reasons)] = duckdb.sql(query).fetchall()  # over max_text_chars: kept, truncated, and says so
    assert length == 100_000 and reasons[0] == f"truncated:{len(HUMAN_TEXT) * 400}>100000"
    known = manifest["known"]
    assert known["documents_read"] == 4 and known["used"] == 2
    assert all(f["balanced"] for f in known["files"].values())


def test_rerun_into_the_same_folder_replaces_it_with_identical_results(hostile):
    corpus, (human, known, config), _, out, _ = hostile
    before_documents, before_letters = _documents(out), _dead_letters(out)
    stale = out / "label=human" / "part-99999-of-99999.parquet"
    stale.write_bytes((next(out.glob("label=*/*.parquet"))).read_bytes())  # a shard no rerun writes
    (out / "_staging" / "label=human").mkdir(parents=True)  # what a killed run leaves
    (out / "_staging" / "label=human" / "part-00000-of-00001.parquet").write_bytes(b"half-written")
    multi = ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]
    result = _run(corpus, human, known, config, out, multi)
    assert result.exit_code == 0, result.output
    assert not stale.exists() and not (out / "_staging").exists()
    assert _documents(out) == before_documents and _dead_letters(out) == before_letters
