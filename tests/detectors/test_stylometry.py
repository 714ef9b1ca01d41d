import itertools
import zlib

import numpy as np
import pytest

from synthsieve.detectors.stylometry import FEATURE_NAMES, features


def _one(text: str) -> dict[str, float]:
    return dict(zip(FEATURE_NAMES, features([text])[0].tolist()))


def test_sentence_lengths():
    f = _one("One two three. One two three four five.")
    assert f["sent_len_mean"] == pytest.approx(4.0)
    assert f["sent_len_std"] == pytest.approx(1.0)
    assert f["sent_len_cv"] == pytest.approx(0.25)


def test_sentence_ends_need_whitespace_and_line_breaks_are_whitespace():
    # "3.5" and "e.g" inside a word do not end sentences; a line break alone does not either.
    f = _one("Pay 3.5 dollars\nnow please! Then go?")
    assert f["sent_len_mean"] == pytest.approx(3.0)  # [Pay dollars now please] [Then go]
    assert f["sent_len_std"] == pytest.approx(1.0)


def test_capitalized_sentence_starts():
    assert _one("Yes it is. no it is not. Maybe.")["cap_start_share"] == pytest.approx(2 / 3)


def test_ttr_over_windows():
    assert _one("cat dog cat dog")["ttr"] == pytest.approx(0.5)
    distinct = ["".join(p) for p in itertools.islice(itertools.product("abcdefgh", repeat=3), 50)]
    assert _one(" ".join(distinct + ["same"] * 50))["ttr"] == pytest.approx((1.0 + 1 / 50) / 2)


def test_word_lengths_count_characters_not_bytes():
    f = _one("I am here. Über straße")
    lengths = [1, 2, 4, 4, 6]
    assert f["word_len_mean"] == pytest.approx(np.mean(lengths))
    assert f["word_len_std"] == pytest.approx(np.std(lengths))


def test_punctuation_rates_fold_typography():
    f = _one("“Hello,” world; yes: no! (ok) why? one — two – three - four")
    words = 10
    assert f["comma_rate"] == pytest.approx(1 / words)
    assert f["semicolon_rate"] == f["colon_rate"] == f["exclaim_rate"] == f["question_rate"] == pytest.approx(0.1)
    assert f["paren_rate"] == pytest.approx(2 / words)
    assert f["quote_rate"] == pytest.approx(2 / words)
    assert f["dash_rate"] == pytest.approx(3 / words)


def test_word_lists_and_casing():
    f = _one("Moreover, i don't think you and I know NASA. It is important to note that we delve.")
    words = 17
    assert f["llm_word_share"] == pytest.approx(2 / words)  # moreover, delve
    assert f["llm_phrase_rate"] == pytest.approx(1 / words)
    assert f["lower_i_rate"] == pytest.approx(1 / words)
    assert f["contraction_rate"] == pytest.approx(1 / words)
    assert f["first_person_rate"] == pytest.approx(3 / words)  # i, I, we
    assert f["second_person_rate"] == pytest.approx(1 / words)
    assert f["allcaps_rate"] == pytest.approx(1 / words)  # NASA; "I" is one letter
    assert f["conjunction_rate"] == pytest.approx(1 / words)


def test_common_words_and_log_rank():
    f = _one("the of zyzzyva")
    assert f["common_share"] == pytest.approx(2 / 3)
    assert f["log_rank_mean"] == pytest.approx((np.log(1) + np.log(2) + np.log(1000)) / 3)


def test_compression_and_digits():
    text = "The year 2024 was long. " * 5
    f = _one(text)
    raw = text.encode()
    assert f["compress_ratio"] == pytest.approx(len(zlib.compress(raw, 6)) / len(raw))
    assert f["digit_rate"] == pytest.approx(20 / len(text))


def test_batch_equals_one_by_one_and_phrases_stay_inside_texts():
    texts = ["It is not", "only this. In conclusion, yes!", "", "Ça va? Oui — très bien.\n\nNew paragraph here."]
    batch = features(texts)
    assert batch.dtype == np.float32 and batch.shape == (4, len(FEATURE_NAMES))
    assert np.allclose(batch, np.concatenate([features([t]) for t in texts]))
    assert batch[0, FEATURE_NAMES.index("llm_phrase_rate")] == 0.0
    assert np.isfinite(batch).all()


def test_feature_subset_and_unknown_names():
    texts = ["Hello there, friend. How are you?"]
    names = ("comma_rate", "sent_len_cv")
    full = features(texts)
    assert np.array_equal(features(texts, names), full[:, [FEATURE_NAMES.index(n) for n in names]])
    assert features([], names).shape == (0, 2)
    with pytest.raises(KeyError, match="nonsense"):
        features(texts, ["nonsense"])
