import pickle
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from synthsieve.config import load_config
from synthsieve.detectors.calibration import BINS
from synthsieve.pipeline import transforms
from synthsieve.pipeline.annotate import Annotator
from synthsieve.pipeline.run import run_job
from synthsieve.pipeline.transforms import (
    DEAD_LETTER,
    FILE_STATS,
    KNOWN_DOCUMENTS,
    KNOWN_HUMAN_POINTS,
    DecideFn,
    FingerprintFn,
    HistogramFn,
    ReadFileFn,
    ScoreFn,
    SplitFileFn,
    StageFn,
)
from synthsieve.readers.files import FilePart

from builders import HUMAN_TEXT, SYNTHETIC_TEXT, raw_document

CONFIG = load_config(None, {"reader.batch_size": 2, "detectors.enabled": "markers_v1"})


def test_read_batches_documents_and_dead_letters_bad_lines(write_jsonl, tmp_path):
    path = str(write_jsonl([{"text": "a"}, "{broken", {"text": "b"}, {"text": "c"}], "d.jsonl.gz"))
    missing = str(tmp_path / "missing.jsonl")
    with TestPipeline() as p:
        read = (
            p
            | beam.Create([path, missing])
            | beam.ParDo(ReadFileFn(CONFIG)).with_outputs(DEAD_LETTER, FILE_STATS, main="batches")
        )
        sizes = read.batches | beam.Map(len)
        reasons = read[DEAD_LETTER] | beam.Map(lambda d: (d["source_uri"] == path, d["reason"]))
        stats = read[FILE_STATS] | beam.Map(lambda s: s["documents_read"])
        assert_that(sizes, equal_to([2, 1]), label="batches")
        assert_that(reasons, equal_to([(True, "invalid_json"), (False, "unreadable_file")]), label="dead")
        assert_that(stats, equal_to([4, 0]), label="stats")


def test_score_stage_then_decide_emits_one_table_per_label_and_dead_letters_empty_text(tmp_path):
    batch = [raw_document(HUMAN_TEXT, 1), raw_document(SYNTHETIC_TEXT, 2), raw_document("   ", 3)]
    schema = Annotator(CONFIG).decider.schema
    with TestPipeline() as p:
        score = beam.ParDo(ScoreFn(CONFIG)).with_outputs(DEAD_LETTER, KNOWN_HUMAN_POINTS, main="s")
        scored = p | beam.Create([batch]) | score
        no_calibration = p | "NoSources" >> beam.Create([])
        staged = scored.s | beam.ParDo(StageFn(str(tmp_path)))
        joined = staged | beam.Map(lambda kv: (kv[0], {"scored": [kv[1]], "clusters": []}))  # a batch, no clusters
        no_priors = p | "NoShares" >> beam.Create([])
        decide = beam.ParDo(
            DecideFn(CONFIG, schema), beam.pvalue.AsDict(no_calibration), beam.pvalue.AsDict(no_priors)
        )
        out = joined | decide.with_outputs("human", "synthetic", "uncertain")
        synthetic = out.synthetic | beam.FlatMap(
            lambda t: zip(t.column("source_offset").to_pylist(), t.column("era").to_pylist())
        )
        assert_that(synthetic, equal_to([(2, "pre_llm")]), label="synthetic")
        assert_that(out.uncertain | beam.Map(lambda t: t.num_rows), equal_to([1]), label="uncertain")
        assert_that(scored[DEAD_LETTER] | beam.Map(lambda d: d["reason"]), equal_to(["empty_text"]), label="dead")
        # markers_v1 judges nothing, so no document is a known-human point
        assert_that(scored[KNOWN_HUMAN_POINTS], equal_to([]), label="points")


@pytest.mark.parametrize("block_bytes, tables", [(32 << 20, [3]), (1, [1, 1, 1])])
def test_decide_gathers_a_labels_tables_within_a_bundle_up_to_the_block_size(
    tmp_path, monkeypatch, block_bytes, tables
):
    monkeypatch.setattr(transforms, "OUTPUT_BLOCK_BYTES", block_bytes)
    batches = [[raw_document(HUMAN_TEXT, offset)] for offset in (1, 2, 3)]  # one undecided document each
    schema = Annotator(CONFIG).decider.schema
    with TestPipeline() as p:
        scored = p | beam.Create(batches) | beam.ParDo(ScoreFn(CONFIG)).with_outputs(main="s")
        staged = scored.s | beam.ParDo(StageFn(str(tmp_path)))
        joined = staged | beam.Map(lambda kv: (kv[0], {"scored": [kv[1]], "clusters": []}))
        out = joined | beam.ParDo(DecideFn(CONFIG, schema), {}, {}).with_outputs("uncertain")
        assert_that(out.uncertain | beam.Map(lambda t: t.num_rows), equal_to(tables))
        offsets = out.uncertain | beam.FlatMap(lambda t: t.column("source_offset").to_pylist())
        assert_that(offsets, equal_to([1, 2, 3]), label="offsets")


def test_histogram_merges_exactly_per_source():
    points = [("a.com", 0.1), ("a.com", 0.15), ("b.org", 0.9), ("a.com", 0.1)]
    with TestPipeline() as p:
        hist = p | beam.Create(points) | beam.CombinePerKey(HistogramFn()) | beam.Map(lambda kv: (kv[0], dict(kv[1])))
        expected = [("a.com", {int(0.1 * BINS): 2, int(0.15 * BINS): 1}), ("b.org", {int(0.9 * BINS): 1})]
        assert_that(hist, equal_to(expected))


def test_a_record_that_makes_scoring_raise_costs_only_itself():
    # A lone surrogate makes hashing and Arrow raise. Readers dead-letter it first, and Beam's coders cannot carry
    # it, so the DoFn is called directly, as a runner would.
    batch = [
        raw_document(HUMAN_TEXT, 1),
        raw_document("half of a surrogate pair \ud800 cannot be encoded", 2),
        raw_document(SYNTHETIC_TEXT, 3),
    ]
    fn = ScoreFn(CONFIG)
    fn.setup()
    outputs = list(fn.process(batch))
    scored = [o for o in outputs if not isinstance(o, beam.pvalue.TaggedOutput)]
    dead = [o.value for o in outputs if isinstance(o, beam.pvalue.TaggedOutput) and o.tag == DEAD_LETTER]
    assert [offset for s in scored for offset in s.table.column("source_offset").to_pylist()] == [1, 3]
    assert [(d["source_offset"], d["stage"], d["reason"], d["role"]) for d in dead] == [
        (2, "score", "score_failed", "input")
    ]
    assert "UnicodeEncodeError" in dead[0]["message"] and dead[0]["raw"].encode("utf-8")


def test_known_human_and_synthetic_inputs_count_their_documents_and_dead_letters_with_their_role(write_jsonl):
    batch = [
        raw_document(HUMAN_TEXT, 1),
        raw_document(" ", 2),
        {**raw_document(SYNTHETIC_TEXT, 3), "source_uri": "other.jsonl"},
    ]
    with TestPipeline() as p:
        human = (
            p
            | "Human" >> beam.Create([batch])
            | "Score"
            >> beam.ParDo(ScoreFn(CONFIG, known_human=True)).with_outputs(
                DEAD_LETTER, KNOWN_HUMAN_POINTS, KNOWN_DOCUMENTS, main="s"
            )
        )
        known = (
            p
            | "Known" >> beam.Create([batch])
            | "Fingerprint" >> beam.ParDo(FingerprintFn(CONFIG)).with_outputs(DEAD_LETTER, KNOWN_DOCUMENTS, main="fps")
        )
        used = (human[KNOWN_DOCUMENTS], known[KNOWN_DOCUMENTS]) | beam.Flatten()
        dead = (human[DEAD_LETTER], known[DEAD_LETTER]) | "Dead" >> beam.Flatten()
        assert_that(human.s, equal_to([]), label="no scored output")
        assert_that(known.fps | beam.Map(lambda f: f.members.num_rows), equal_to([2]), label="fingerprints")
        assert_that(
            used,
            equal_to([(("known_human", "mem.jsonl"), 1), (("known_human", "other.jsonl"), 1),
                      (("known_synthetic", "mem.jsonl"), 1), (("known_synthetic", "other.jsonl"), 1)]),
            label="used",
        )  # fmt: skip
        reasons = dead | beam.Map(lambda d: (d["role"], d["reason"], d["source_offset"]))
        expected = [("known_human", "empty_text", 2), ("known_synthetic", "empty_text", 2)]
        assert_that(reasons, equal_to(expected), label="dead")


def test_a_file_of_unknown_format_is_one_unreadable_file_letter(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("plain text\n")
    with TestPipeline() as p:
        read = (
            p
            | beam.Create([str(path)])
            | beam.ParDo(ReadFileFn(CONFIG, "known_human")).with_outputs(DEAD_LETTER, FILE_STATS, main="b")
        )
        dead = read[DEAD_LETTER] | beam.Map(lambda d: (d["reason"], d["source_offset"], d["role"]))
        assert_that(dead, equal_to([("unreadable_file", -1, "known_human")]), label="dead")
        assert_that(
            read[FILE_STATS] | beam.Map(lambda s: (s["documents_read"], s["role"])),
            equal_to([(0, "known_human")]),
            label="stats",
        )


def test_every_dofn_that_scores_uses_the_one_first_stage_of_its_process():
    fns = [ScoreFn(CONFIG), ScoreFn(CONFIG, known_human=True), FingerprintFn(CONFIG)]
    fns.append(pickle.loads(pickle.dumps(ScoreFn(CONFIG))))  # as a runner ships a DoFn to its workers
    for fn in fns:
        fn.setup()
    try:
        assert len({id(fn.annotator.first_stage) for fn in fns}) == 1
        other = load_config(None, {"detectors.enabled": "markers_v1", "detectors.min_words": 3})
        assert transforms.worker_models(other).first_stage() is not fns[0].annotator.first_stage
    finally:
        for fn in fns:
            fn.teardown()


def test_with_the_lm_only_the_documents_it_rescores_leave_for_its_step_and_their_points_wait_for_it():
    config = load_config(None, {"lm.enabled": True, "lm.scope": "all"})
    judged = raw_document(HUMAN_TEXT, 1)  # pre-LLM, so a known-human point, once the LM has scored it
    batch = [judged, raw_document("too short to judge", 2), raw_document(SYNTHETIC_TEXT, 3)]  # the last: a marker
    with TestPipeline() as p:
        outputs = (DEAD_LETTER, KNOWN_HUMAN_POINTS, transforms.LM_SELECTION)
        scored = p | beam.Create([batch]) | beam.ParDo(ScoreFn(config)).with_outputs(*outputs, main="s")
        sent = scored[transforms.LM_SELECTION] | beam.Map(lambda chosen: (chosen.texts, chosen.index.tolist()))
        assert_that(sent, equal_to([([HUMAN_TEXT], [0])]), label="selection")
        assert_that(scored[KNOWN_HUMAN_POINTS], equal_to([]), label="points")
        assert_that(scored.s | beam.Map(lambda s: s.table.num_rows), equal_to([3]), label="batch")


def _parquet(path, groups: int, rows: int) -> str:
    with pq.ParquetWriter(path, pa.schema([("id", pa.string()), ("text", pa.string())])) as writer:
        for g in range(groups):
            ids = [f"{g}-{i}" for i in range(rows)]
            writer.write_table(pa.table({"id": ids, "text": [f"{HUMAN_TEXT} {i}" for i in ids]}))
    return str(path)


def test_a_parquet_file_is_split_into_row_group_parts_read_apart_and_other_files_go_whole(write_jsonl, tmp_path):
    config = load_config(None, {"reader.batch_size": 2, "reader.split_bytes": 1})  # one row group per part
    parquet, jsonl = _parquet(tmp_path / "big.parquet", 4, 3), str(write_jsonl([{"text": "a"}]))
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with TestPipeline() as p:
        parts = p | beam.Create([parquet, jsonl, str(tmp_path / "bad.parquet")]) | beam.ParDo(SplitFileFn(config))
        read = parts | beam.ParDo(ReadFileFn(config)).with_outputs(DEAD_LETTER, FILE_STATS, main="batches")
        described = parts | beam.Map(lambda part: part.row_groups if isinstance(part, FilePart) else Path(part).name)
        offsets = read.batches | beam.FlatMap(lambda batch: [(r["source_uri"], r["source_offset"]) for r in batch])
        counts = read[FILE_STATS] | beam.Map(lambda s: (Path(s["source_uri"]).name, s["documents_read"]))
        assert_that(described, equal_to([(0, 1), (1, 2), (2, 3), (3, 4), "docs.jsonl", "bad.parquet"]), label="parts")
        assert_that(offsets, equal_to([(parquet, i) for i in range(12)] + [(jsonl, 1)]), label="offsets")
        expected = [("big.parquet", 3)] * 4 + [("docs.jsonl", 1), ("bad.parquet", 0)]
        assert_that(counts, equal_to(expected), label="counts")
        reasons = read[DEAD_LETTER] | beam.Map(lambda d: (Path(d["source_uri"]).name, d["reason"]))
        assert_that(reasons, equal_to([("bad.parquet", "unreadable_file")]), label="dead")


def test_the_accounting_of_a_parquet_file_read_in_parts_is_exact(tmp_path):
    config = load_config(None, {"reader.split_bytes": 1})
    parquet = _parquet(tmp_path / "big.parquet", 5, 4)
    manifest = run_job([parquet], str(tmp_path / "out"), config, ["--direct_running_mode=in_memory"])
    assert manifest["balanced"] and manifest["documents_read"] == 20
    assert manifest["files"][parquet]["read"] == 20 and sum(manifest["labels"].values()) == 20
