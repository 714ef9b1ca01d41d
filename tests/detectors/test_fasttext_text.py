import json
import re

import numpy as np
import pytest

from synthsieve.detectors import registry
from synthsieve.detectors.base import MODELS
from synthsieve.detectors.chartrigrams import CHARS, chars, chars_batch
from synthsieve.detectors.fasttext_text import FastTextCharsV1, FastTextDistortV2, FastTextWordsV1
from synthsieve.detectors.textdistort import MAX_CHARS, distort
from synthsieve.detectors.wordtokens import words
from synthsieve_training.fasttext_train import train_fasttext, training_lines

from builders import DEV_SET, toy_rows

TEXTS = [
    "Moreover, it is crucial to delve into the vibrant tapestry of modern urban life.",
    "lol my cat knocked the coffee off the table again... 3rd time this week!!",
    "Die Stadt liegt am Rhein und hat 120.000 Einwohner.",
    "",
    "Line one.\nLine two.\r\n\tIndented “quoted” line — with a dash…",
]
TINY = {"dim": 8, "bucket": 20_000, "epoch": 5, "cutoff": 0}


def test_distort_keeps_function_words_and_shapes_the_rest():
    assert distort("The Cat sat on 12 mats, didn’t it?") == "the Xxx xxx on ## xxxx , didn't it ?"


def test_distort_normalizes_typography_and_whitespace():
    out = distort("“Hi”  there…\n\nNew  paragraph — end.")
    assert out == '" Xx " there … Xxx xxxxxxxxx — xxx .'
    assert distort("don’t") == distort("don't") == "don't"


def test_distort_counts_characters_not_bytes_and_survives_bad_unicode():
    assert distort("Straße für Ärzte") == "Xxxxxx für xxxxx"  # non-ASCII capitals shape as x
    assert distort("bad \ud800 surrogate") == "xxx ? xxxxxxxxx"


def test_words_lowercase_split_punctuation_fold_digits_and_typography():
    assert words("It’s 2024, Delve!").split() == ["it's", "0000", ",", "delve", "!"]
    assert words("“Quoted”  —  a\n\nnew (line)").split() == ['"', "quoted", '"', "—", "a", "new", "(", "line", ")"]
    assert words("bad \ud800 surrogate").split() == ["bad", "?", "surrogate"]
    assert words("one\ntwo\r\n\tthree\x0b\x0cfour") == "one two   three  four"  # one line, ASCII spaces only


def test_words_model_reads_the_same_tokens_as_from_single_spaced_lines():
    # ``words`` leaves runs of spaces for fastText to split (and NUL, which fastText splits at too): the model must
    # read the same tokens as from the line split at ASCII whitespace and single-spaced, as it was trained.
    model = registry.create("fasttext_words_v1").model
    texts = [*TEXTS, "  lead  and\ttrail  ", "a\x00b  c", "x\x1cy \u3000 z\x85w", "Line\u2028two\r\n\n  three"]
    lines = [words(text) for text in texts]
    (labels, probs), (single_labels, single_probs) = (
        model.predict(lines, k=-1),
        model.predict([b" ".join(line.encode().split()).decode() for line in lines], k=-1),
    )
    assert labels == single_labels and all(map(np.array_equal, probs, single_probs))


def test_training_lines_are_single_spaced():
    rows = [{"text": "It’s  2024,\tDelve!\n\nNew  line", "label": "human", "dataset": "d"}]
    assert training_lines(rows, "fasttext_words_v1", 0)[0] == ["__label__human it's 0000 , delve ! new line\n"]


def test_chars_are_overlapping_trigrams_with_case_punctuation_and_whitespace_runs_as_underscores():
    assert chars("Hi, you") == "Hi, i,_ ,_y _yo you"
    assert chars("a \n\t b") == "a_b"
    assert chars("Straße!") == "Str tra raß aße ße!"  # characters, not bytes
    assert chars("bad \ud800 x") == "bad ad_ d_? _?_ ?_x"
    assert chars("ab") == "ab" and chars("") == ""
    assert chars("\ud800") == "?" and chars_batch(["ab", " \ud800"]) == ["ab", "_?"]
    assert chars("a\x00b") == "a?b"  # NUL separates tokens in fastText


def test_chars_of_a_batch_are_each_texts_own_trigrams():
    # Texts beyond the BMP (emoji) take the UTF-32 path, the others UTF-16; no trigram straddles two texts.
    batch = ["Hi, you", "", "ab", "smile \U0001f600 ok", " \u2003 lead and trail\t", "x\x1cy", "Straße!", *TEXTS]
    expected = []
    for text in batch:
        cut = re.sub(r"\s+", "_", text[:CHARS])
        expected.append(" ".join(cut[i : i + 3] for i in range(len(cut) - 2)) if len(cut) >= 3 else cut)
    assert chars_batch(batch) == expected == [chars(text) for text in batch]
    assert chars("smile \U0001f600 ok").split()[4:7] == ["e_\U0001f600", "_\U0001f600_", "\U0001f600_o"]
    assert chars_batch([]) == []


@pytest.mark.parametrize(("featurize", "limit"), [(distort, MAX_CHARS), (words, MAX_CHARS), (chars, CHARS)])
def test_featurizers_read_only_the_first_characters(featurize, limit):
    long = "Word " * limit
    assert featurize(long) == featurize(long[:limit]) != featurize(long[: limit - 7])


def test_missing_model_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="synthsieve train"):
        FastTextWordsV1.load(str(tmp_path / "absent.ftz"))


@pytest.fixture(scope="module", params=["fasttext_distort_v2", "fasttext_words_v1", "fasttext_chars_v1"])
def trained(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("ft") / f"{request.param}.ftz"
    # fastText with wordNgrams 1 (the character recipe) ends in "Encountered NaN" on the templated toy rows, in a
    # fresh interpreter too; labelled data from 1,000 rows up trains. Bigrams keep the toy model trainable.
    params = TINY | {"wordNgrams": 2, "epoch": 15} if request.param == "fasttext_chars_v1" else TINY
    return registry.create(
        request.param, str(train_fasttext(toy_rows(), request.param, path, 0, ["en"], params=params))
    )


def test_trained_detector_declares_its_card_languages_and_separates_toy_classes(trained):
    rows = toy_rows(seed=5)
    p = trained.score([row["text"] for row in rows]).columns["p"]
    human = np.array([row["label"] == "human" for row in rows])
    assert trained.languages == frozenset({"en"})
    assert p.dtype == np.float32 and np.all((p >= 0) & (p <= 1))
    assert p[~human].mean() > p[human].mean() + 0.2


def test_scores_are_batch_independent_and_empty_batches_work(trained):
    batch = trained.score(TEXTS).columns["p"]
    assert np.array_equal(batch, np.concatenate([trained.score([t]).columns["p"] for t in TEXTS]))
    assert trained.score([]).columns["p"].shape == (0,)


@pytest.mark.parametrize("cls", [FastTextDistortV2, FastTextWordsV1, FastTextCharsV1])
@pytest.mark.skipif(not (MODELS / "fasttext_chars_v1.ftz").is_file(), reason="committed models are missing")
def test_committed_models_are_small_declare_languages_and_score(cls):
    path = MODELS / f"{cls.name}.ftz"
    card = json.loads(path.with_suffix(".json").read_text())
    assert path.stat().st_size < 5 * 2**20 and card["languages"] and card["model_sha256"]
    detector = cls.load()
    p = detector.score(TEXTS).columns["p"]
    assert detector.languages == frozenset(card["languages"]) and np.all((p >= 0) & (p <= 1))
    assert np.array_equal(p, cls.load().score(TEXTS).columns["p"])


@pytest.mark.skipif(not DEV_SET.is_file(), reason=f"labelled data {DEV_SET} is absent (it lives in ../shared)")
@pytest.mark.skipif(not (MODELS / "fasttext_words_v1.ftz").is_file(), reason="committed models are missing")
def test_real_texts_batch_equals_one_by_one():
    from synthsieve_training.data import load_labeled

    detector = FastTextWordsV1.load()
    texts = [row["text"] for row in load_labeled([DEV_SET])[::400]]
    p = detector.score(texts).columns["p"]
    assert p.std() > 0 and np.array_equal(p, np.concatenate([detector.score([t]).columns["p"] for t in texts]))


def test_scoring_sees_the_tokens_training_wrote(trained):
    # The scoring path (one shared spaced pass per batch) must feed the model what training featurized.
    texts = [*TEXTS, "İstanbul’da «Straße» ÉCOLE… 42 items", "x" * (MAX_CHARS + 10)]
    labels, probs = trained.model.predict([type(trained).featurize(t) for t in texts], k=-1)
    expected = [prob[list(label).index("__label__synthetic")] for label, prob in zip(labels, probs)]
    # fastText's probabilities carry a 1e-5 smoothing term that can pass 1; scores are clipped to [0, 1].
    expected = np.clip(np.asarray(expected, dtype=np.float32), 0.0, 1.0)
    np.testing.assert_array_equal(trained.score(texts).columns["p"], expected)
