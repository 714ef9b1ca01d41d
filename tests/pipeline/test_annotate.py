import math

import pytest

from synthsieve.config import load_config
from synthsieve.detectors.calibration import SourceThreshold
from synthsieve.pipeline.annotate import Annotator, known_human_points
from synthsieve.readers.warc import read_warc

from builders import HUMAN_TEXT, REPO, SYNTHETIC_TEXT, raw_document

ANNOTATOR = Annotator(load_config())
CRAWL_WARC = REPO.parent / "shared" / "data" / "crawl" / "resiliparse-warcfile.warc.gz"

CHINESE = (
    "这座城市位于长江边上，历史悠久，风景优美。每年春天，成千上万的游客来到这里欣赏盛开的樱花。"
    "老城区保留了许多明清时期的建筑，狭窄的街道两旁是传统的茶馆和小吃店。当地人喜欢在傍晚沿着河边散步，"
    "孩子们在公园里放风筝。近年来，城市修建了新的地铁线路，交通变得更加方便。"
    "我的祖父在这里住了一辈子，他常常给我讲过去的故事：那时候没有高楼，只有一片片稻田和小河。"
) * 2  # one whitespace "word": the language, not the length, is why it is not scored
ARAGONESE = (
    "L'aragonés ye una luenga romance que se fabla en as valles d'o norte d'Aragón, en o Pireneu. "
    "Antis se charraba en a mayor parti d'o territorio, pero dende o sieglo XVI o castellano fació que "
    "muitos lugars deixasen de fablar-lo. Güei bi ha asociacions que treballan ta que os ninos l'aprendan "
    "en as escuelas y ta que se faiga servir en os medios de comunicación. Os fabladors viellos cuentan "
    "que en os pueblos de montaña se feba servir en toz os arreglos d'a vida cutiana, en casa y en o campo."
)
GERMAN = (
    "Die kleine Stadt liegt am Ufer des Rheins und hat eine lange Geschichte. Im Frühling kommen viele Besucher, "
    "um durch die engen Gassen der Altstadt zu spazieren und in einem der Cafés am Marktplatz zu sitzen. "
    "Mein Großvater hat hier sein ganzes Leben verbracht und erzählt gern, wie es früher war, als es noch keine "
    "Brücke gab und die Fähre das einzige Verkehrsmittel über den Fluss war. Heute fahren Züge im Halbstundentakt "
    "nach Köln, und im Sommer legen Ausflugsschiffe direkt an der Promenade an."
)


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


def test_languages_no_detector_declares_are_not_scored_uncertain_and_without_p():
    assert ANNOTATOR.first_stage.languages() == frozenset({"en"})
    docs = ANNOTATOR.annotate([raw_document(t, i) for i, t in enumerate([CHINESE, ARAGONESE, GERMAN, HUMAN_TEXT])])
    for doc in docs.documents[:3]:
        assert doc["lang"] != "en" and doc["label"] == "uncertain" and doc["p_synthetic"] is None
        assert f"not_scored:language={doc['lang']}" in doc["reasons"]
    assert [d["lang"] for d in docs.documents[:3]] == ["zh", "an", "de"]
    english = docs.documents[3]
    assert english["label"] == "human" and 0 <= english["p_synthetic"] <= 1  # the control is scored
    assert not any(r.startswith("not_scored:") for r in english["reasons"])


@pytest.mark.parametrize(
    ("marker", "evidence"),
    [
        (" Als KI-Sprachmodell habe ich keine eigenen Erinnerungen an diese Stadt.",
         "disclosure:phrase:as_an_ai_language_model"),
        (" Regenerate response", "marker:regenerate_response"),
    ],
)  # fmt: skip
def test_hard_evidence_decides_a_text_in_a_language_no_detector_declares(marker, evidence):
    doc = ANNOTATOR.annotate([raw_document(GERMAN + marker, 1)]).documents[0]
    assert doc["lang"] == "de" and doc["label"] == "synthetic"
    assert "not_scored:language=de" in doc["reasons"] and evidence in doc["reasons"]
    p = load_config().decision.marker_p
    assert doc["p_synthetic"] == pytest.approx(p) and f"hard_evidence:p_synthetic={p:.2f}" in doc["reasons"]


def test_known_human_points_leave_out_documents_no_detector_scored():
    scored = ANNOTATOR.score([raw_document(HUMAN_TEXT, 1), raw_document(GERMAN, 2), raw_document("too short", 3)])
    assert math.isnan(scored.evidence.p_synthetic[1]) and math.isnan(scored.evidence.p_synthetic[2])
    points = known_human_points(scored, all_documents=True)
    assert len(points) == 1 and 0 <= points[0][1] <= 1


def test_unscored_documents_have_null_p_synthetic_in_the_written_tables():
    scored = ANNOTATOR.score([raw_document(HUMAN_TEXT, 1), raw_document(GERMAN, 2)])
    tables = ANNOTATOR.decider.decide(scored, {})
    assert tables["uncertain"].column("p_synthetic").to_pylist() == [None]
    assert tables["uncertain"].schema.field("p_synthetic").nullable
    assert tables["human"].column("p_synthetic").null_count == 0


@pytest.mark.skipif(not CRAWL_WARC.is_file(), reason=f"real crawl {CRAWL_WARC} is absent (it lives in ../shared)")
def test_a_real_multilingual_crawl_gets_no_confident_label_outside_english():
    with open(CRAWL_WARC, "rb") as stream:
        raws = [raw for kind, raw in read_warc(stream, str(CRAWL_WARC), 10_000_000) if kind == "doc"]
    docs = ANNOTATOR.annotate(raws).documents
    foreign = [d for d in docs if d["lang"] != "en"]
    assert len(foreign) >= 10 and {"zh", "ru", "de", "nl"} <= {d["lang"] for d in foreign}
    for doc in foreign:
        hard = any(r.startswith("hard_evidence:") for r in doc["reasons"])
        assert hard or (doc["label"] == "uncertain" and doc["p_synthetic"] is None), (doc["url"], doc["reasons"])
        assert f"not_scored:language={doc['lang']}" in doc["reasons"]
