import numpy as np
import pytest

from synthsieve.detectors import registry
from synthsieve.detectors.gate import word_counts
from synthsieve.detectors.scoring import FirstStage
from synthsieve.detectors.stacker import Stacker
from synthsieve_training.style_train import train_style

from builders import HUMAN_TEXT, SYNTHETIC_TEXT, toy_rows

GERMAN = "Die Stadt liegt am Rhein und hat viele Einwohner, die gern am Fluss spazieren gehen. " * 8


def _stage(folder, languages):
    model = train_style(toy_rows(), folder / "style_v2.json", 0, languages=languages)
    detectors = [registry.create("style_v2", str(model)), registry.create("markers_v1")]
    return FirstStage(detectors, Stacker({"style_v2": 1.0}, 0.0), min_words=20, marker_p=0.99)


@pytest.fixture(scope="module")
def stage(tmp_path_factory):
    return _stage(tmp_path_factory.mktemp("en"), ["en"])


def _score(stage, texts, langs, disclosures=None):
    return stage.score(texts, langs, word_counts(texts), disclosures or [[]] * len(texts))


def test_languages_are_those_every_probability_detector_declares(stage):
    assert stage.languages() == frozenset({"en"})


def test_a_document_in_an_undeclared_language_is_not_judged_and_says_why(stage):
    scored = _score(stage, [HUMAN_TEXT, GERMAN], ["en", "de"])
    ev = scored.evidence
    assert ev.judged.tolist() == [True, False] and np.isnan(ev.p_synthetic[1])  # no score, not a made-up 0.5
    assert "not_scored:language=de" in ev.reasons[1] and ev.reasons[0][0].startswith("style_v2:p=")
    assert np.isnan(scored.columns["style_v2__p"][1]) and not np.isnan(scored.columns["style_v2__p"][0])
    assert scored.columns["markers_v1__strong"][1] == 0  # markers are valid in every language


def test_the_stacker_gives_p_and_hard_evidence_lifts_it(stage):
    scored = _score(stage, [HUMAN_TEXT, SYNTHETIC_TEXT, HUMAN_TEXT], ["en"] * 3, [[], [], ["phrase:as_an_ai"]])
    ev, style = scored.evidence, scored.columns["style_v2__p"]
    assert ev.p_synthetic[0] == pytest.approx(style[0], abs=1e-6)  # weight 1, bias 0: the detector's own p
    assert ev.hard.tolist() == [False, True, True]  # "Regenerate response" and a disclosure
    assert ev.p_synthetic[1] >= 0.99 and ev.p_synthetic[2] >= 0.99
    assert "marker:regenerate_response" in ev.reasons[1] and ev.reasons[2][0] == "disclosure:phrase:as_an_ai"


def test_short_texts_are_held_back_by_the_gate(stage):
    ev = _score(stage, ["too short to judge"], ["en"]).evidence
    assert not ev.judged[0] and ev.reasons[0] == ["not_scored:too_short"] and np.isnan(ev.p_synthetic[0])


def test_hard_evidence_sets_p_of_texts_no_detector_scored(stage):
    ev = _score(stage, [GERMAN, "zu kurz"], ["de", "de"], [["phrase:as_an_ai_language_model"], []]).evidence
    assert ev.judged.tolist() == [False, False] and ev.hard.tolist() == [True, False]
    assert ev.p_synthetic[0] == pytest.approx(0.99) and np.isnan(ev.p_synthetic[1])


def test_restricting_languages_after_scoring_equals_scoring_with_them(stage, tmp_path):
    texts, langs = [HUMAN_TEXT, SYNTHETIC_TEXT], ["en", "fr"]
    every_language = _stage(tmp_path, None)
    assert every_language.languages() is None
    detected = every_language.detect(texts, langs, word_counts(texts))
    narrowed = stage.restricted(detected, langs, frozenset({"en"}))
    direct = stage.detect(texts, langs, word_counts(texts))
    assert narrowed.judged.tolist() == direct.judged.tolist() == [True, False]
    assert narrowed.why_not == direct.why_not
    np.testing.assert_array_equal(narrowed.scored["style_v2"].columns["p"], direct.scored["style_v2"].columns["p"])


def test_a_stacker_for_other_detectors_is_refused(stage):
    with pytest.raises(ValueError, match="the stacker weighs"):
        FirstStage(stage.detectors, Stacker({"fasttext_words_v1": 1.0}, 0.0), 20, 0.99)


def test_without_probability_detectors_nothing_is_judged():
    only_markers = FirstStage([registry.create("markers_v1")], Stacker({}, 0.0), 20, 0.99)
    ev = _score(only_markers, [HUMAN_TEXT], ["en"]).evidence
    assert not ev.judged[0] and "not_scored:no_text_detector" in ev.reasons[0]
