from synthsieve.config import load_config
from synthsieve.detectors.calibration import SourceThreshold
from synthsieve.pipeline.annotate import Annotator, known_human_points

from builders import HUMAN_TEXT, SYNTHETIC_TEXT, raw_document

ANNOTATOR = Annotator(load_config())


def test_tables_carry_the_schema_exactly_and_reasons_end_with_threshold_and_calibration():
    scored = ANNOTATOR.score([raw_document(HUMAN_TEXT, 1), raw_document(SYNTHETIC_TEXT, 2), raw_document("", 3)])
    tables = ANNOTATOR.decider.decide(scored, {})
    assert [d["reason"] for d in scored.dead_letters] == ["empty_text"]
    assert sum(t.num_rows for t in tables.values()) == 2
    for table in tables.values():
        assert table.schema.equals(ANNOTATOR.decider.schema)
        assert all(r[-1] == "calibration:global" for r in table.column("reasons").to_pylist())
    assert tables["synthetic"].column("source_offset").to_pylist() == [2]  # "Regenerate response": hard evidence


def test_calibrated_source_uses_its_own_threshold():
    scored = ANNOTATOR.score([raw_document(HUMAN_TEXT, 1)])
    p = scored.evidence.p_synthetic[0]
    lenient = {"example.com": SourceThreshold("example.com", 500, float(p), 0.0)}
    table, labels = ANNOTATOR.decider.labelled(scored, lenient)
    assert labels.tolist() == ["synthetic"]
    assert table.column("reasons").to_pylist()[0][-1] == "calibration:example.com:n=500"


def test_known_human_points_are_judged_pre_llm_documents_without_hard_evidence():
    scored = ANNOTATOR.score(
        [
            raw_document(HUMAN_TEXT, 1),
            raw_document(HUMAN_TEXT, 2, date="2024-05-05"),
            raw_document(SYNTHETIC_TEXT, 3),
            raw_document("too short", 4),
        ]
    )
    points = known_human_points(scored, all_documents=False)
    assert [source for source, _ in points] == ["example.com"]
    assert len(known_human_points(scored, all_documents=True)) == 2


def test_annotate_keeps_input_order():
    docs = ANNOTATOR.annotate(
        [raw_document(SYNTHETIC_TEXT, 1), raw_document(HUMAN_TEXT, 2), raw_document(SYNTHETIC_TEXT, 3)]
    ).documents
    assert [d["source_offset"] for d in docs] == [1, 2, 3] and docs[0]["label"] == "synthetic"
