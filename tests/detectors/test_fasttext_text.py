import json

import numpy as np
import pytest

from synthsieve.detectors import registry
from synthsieve.detectors.base import MODELS
from synthsieve.detectors.fasttext_text import FastTextDistortV2, FastTextWordsV1
from synthsieve.detectors.textdistort import MAX_CHARS, distort
from synthsieve.detectors.wordtokens import words
from synthsieve_training.fasttext_train import train_fasttext

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
    assert words("It’s 2024, Delve!") == "it's 0000 , delve !"
    assert words("“Quoted”  —  a\n\nnew (line)") == '" quoted " — a new ( line )'
    assert words("bad \ud800 surrogate") == "bad ? surrogate"


@pytest.mark.parametrize("featurize", [distort, words])
def test_featurizers_read_only_the_first_max_chars(featurize):
    long = "Word " * (MAX_CHARS // 2)
    assert featurize(long) == featurize(long[:MAX_CHARS])


def test_missing_model_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="synthsieve train"):
        FastTextWordsV1.load(str(tmp_path / "absent.ftz"))


@pytest.fixture(scope="module", params=["fasttext_distort_v2", "fasttext_words_v1"])
def trained(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("ft") / f"{request.param}.ftz"
    return registry.create(request.param, str(train_fasttext(toy_rows(), request.param, path, 0, ["en"], params=TINY)))


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


@pytest.mark.parametrize("cls", [FastTextDistortV2, FastTextWordsV1])
@pytest.mark.skipif(not (MODELS / "fasttext_words_v1.ftz").is_file(), reason="committed models are missing")
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
    np.testing.assert_array_equal(trained.score(texts).columns["p"], np.asarray(expected, dtype=np.float32))
