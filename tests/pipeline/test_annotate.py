from synthsieve.config import load_config
from synthsieve.detectors.calibration import SourceThreshold
from synthsieve.pipeline.annotate import Annotator, reference_points

from builders import HUMAN_TEXT, SYNTHETIC_TEXT


def _raw(text, offset, url="https://blog.example.com/p", date="2021-03-04"):
    return {
        "id": None, "text": text, "html": None, "url": url, "date": date, "crawl_date": None,
        "warc_record_id": None, "content_type": None, "metadata": None,
        "source_uri": "mem.jsonl", "source_offset": offset, "source_format": "jsonl",
    }  # fmt: skip


ANNOTATOR = Annotator(load_config())


def test_tables_carry_the_schema_exactly_and_reasons_end_with_threshold_and_calibration():
    scored = ANNOTATOR.score([_raw(HUMAN_TEXT, 1), _raw(SYNTHETIC_TEXT, 2), _raw("", 3)])
    tables = ANNOTATOR.decider.decide(scored, {})
    assert [d["reason"] for d in scored.dead_letters] == ["empty_text"]
    assert sum(t.num_rows for t in tables.values()) == 2
    for table in tables.values():
        assert table.schema.equals(ANNOTATOR.decider.schema)
        assert all(r[-1] == "calibration:global" for r in table.column("reasons").to_pylist())
    assert tables["synthetic"].column("source_offset").to_pylist() == [2]  # "Regenerate response": hard evidence


def test_calibrated_source_uses_its_own_threshold():
    scored = ANNOTATOR.score([_raw(HUMAN_TEXT, 1)])
    p = scored.evidence.p_synthetic[0]
    lenient = {"example.com": SourceThreshold("example.com", 500, float(p), 0.0)}
    table, labels = ANNOTATOR.decider.labelled(scored, lenient)
    assert labels.tolist() == ["synthetic"]
    assert table.column("reasons").to_pylist()[0][-1] == "calibration:example.com:n=500"


def test_reference_points_are_judged_pre_llm_documents_without_hard_evidence():
    scored = ANNOTATOR.score(
        [_raw(HUMAN_TEXT, 1), _raw(HUMAN_TEXT, 2, date="2024-05-05"), _raw(SYNTHETIC_TEXT, 3), _raw("too short", 4)]
    )
    points = reference_points(scored, all_documents=False)
    assert [source for source, _ in points] == ["example.com"]
    assert len(reference_points(scored, all_documents=True)) == 2


def test_annotate_keeps_input_order():
    docs = ANNOTATOR.annotate([_raw(SYNTHETIC_TEXT, 1), _raw(HUMAN_TEXT, 2), _raw(SYNTHETIC_TEXT, 3)]).documents
    assert [d["source_offset"] for d in docs] == [1, 2, 3] and docs[0]["label"] == "synthetic"
