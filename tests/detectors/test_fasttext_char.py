import numpy as np
import pytest

from synthsieve.detectors.fasttext_char import MODEL_PATH, FastTextCharV1
from synthsieve.detectors.textdistort import MAX_CHARS, distort

from builders import DEV_SET

DATA = DEV_SET
TEXTS = [
    "Moreover, it is crucial to delve into the vibrant tapestry of modern urban life.",
    "lol my cat knocked the coffee off the table again... 3rd time this week!!",
    "Die Stadt liegt am Rhein und hat 120.000 Einwohner.",
    "",
    "Line one.\nLine two.\r\n\tIndented “quoted” line — with a dash…",
]


def test_distort_keeps_function_words_and_shapes_the_rest():
    assert distort("The Cat sat on 12 mats, didn’t it?") == "the Xxx xxx on ## xxxx , didn't it ?"


def test_distort_normalizes_typography_and_whitespace():
    out = distort("“Hi”  there…\n\nNew  paragraph — end.")
    assert out == '" Xx " there … Xxx xxxxxxxxx — xxx .'
    assert distort("don’t") == distort("don't") == "don't"


def test_distort_llm_words_option():
    assert distort("Moreover, we delve.") == "moreover , we delve ."
    assert distort("Moreover, we delve.", llm_words=False) == "Xxxxxxxx , we xxxxx ."


def test_distort_counts_characters_not_bytes_and_survives_bad_unicode():
    assert distort("Straße für Ärzte") == "Xxxxxx für xxxxx"  # non-ASCII capitals shape as x
    assert distort("bad \ud800 surrogate") == "xxx ? xxxxxxxxx"


def test_distort_reads_only_the_first_max_chars():
    long = "word " * (MAX_CHARS // 2)
    assert distort(long) == distort(long[:MAX_CHARS])


def test_missing_model_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="synthsieve train"):
        FastTextCharV1(str(tmp_path / "absent.ftz"))


committed = pytest.mark.skipif(not MODEL_PATH.is_file(), reason=f"committed model {MODEL_PATH} is missing")


@pytest.fixture(scope="module")
def detector() -> FastTextCharV1:
    return FastTextCharV1()


@committed
def test_committed_model_is_small_and_has_a_recipe():
    assert MODEL_PATH.stat().st_size < 5 * 2**20
    assert MODEL_PATH.with_suffix(".json").is_file()


@committed
def test_scores_are_probabilities(detector):
    p = detector.score(TEXTS)["p"]
    assert p.dtype == np.float32 and p.shape == (len(TEXTS),)
    assert np.all((p >= 0) & (p <= 1))


@committed
def test_scores_are_deterministic_and_batch_independent(detector):
    batch = detector.score(TEXTS)["p"]
    assert np.array_equal(batch, detector.score(TEXTS)["p"])
    assert np.array_equal(batch, np.concatenate([detector.score([text])["p"] for text in TEXTS]))
    assert np.array_equal(batch, FastTextCharV1().score(TEXTS)["p"])


@committed
def test_empty_batch(detector):
    assert detector.score([])["p"].shape == (0,)


@committed
@pytest.mark.skipif(not DATA.is_file(), reason=f"labeled data {DATA} is absent (it lives in ../shared)")
def test_real_texts_batch_equals_one_by_one(detector):
    from synthsieve.detectors.training import load_labeled

    texts = [row["text"] for row in load_labeled(DATA)[::400]]
    p = detector.score(texts)["p"]
    assert np.all((p >= 0) & (p <= 1)) and p.std() > 0
    assert np.array_equal(p, np.concatenate([detector.score([text])["p"] for text in texts]))
