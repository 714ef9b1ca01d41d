"""Diversity measures on tiny texts whose values are worked out by hand."""

import math

import numpy as np
import pytest

from synthsieve.report.diversity import (
    change,
    distinct_n,
    heaps_exponent,
    profile,
    tail_mass,
    tokenize,
    type_growth,
    unigram_entropy,
)

CAT = ["the cat sat on the mat", "The cat! sat."]


def test_tokenize_lowercases_normalizes_and_numbers_words_by_first_appearance():
    tokens = tokenize(["Ｔhe ﬁne cat, the CAT's", "", "fine"])
    assert tokens.ids.tolist() == [0, 1, 2, 0, 2, 3, 1]  # the fine cat the cat s | fine
    assert tokens.docs.tolist() == [0, 0, 0, 0, 0, 0, 2]


def test_distinct_n_counts_ngrams_inside_documents_only():
    # 9 words, 5 distinct; pairs: 5 + 2 = 7, 5 distinct; triples 4 + 1, 4 distinct; 4-grams 3 + 0, all distinct
    assert distinct_n(tokenize(CAT)) == pytest.approx([5 / 9, 5 / 7, 4 / 5, 3 / 3])
    # "a b" twice: the pair "b a" across the document boundary does not count
    assert distinct_n(tokenize(["a b", "a b"]), 2) == pytest.approx([2 / 4, 1 / 2])
    assert distinct_n(tokenize(["a", "b"]), 2) == [1.0, None]


def test_unigram_entropy_in_bits():
    assert unigram_entropy(tokenize(["a b a b"])) == pytest.approx(1.0)
    assert unigram_entropy(tokenize(["a b c d"])) == pytest.approx(2.0)
    assert unigram_entropy(tokenize(["a a a a"])) == 0.0
    assert unigram_entropy(tokenize(["a a b c"])) == pytest.approx(1.5)  # 1/2*1 + 2 * 1/4*2
    assert unigram_entropy(tokenize([])) is None


def test_tail_mass_is_the_share_of_words_seen_once():
    assert tail_mass(tokenize(["a a b c"])) == pytest.approx(2 / 4)
    assert tail_mass(tokenize(CAT)) == pytest.approx(2 / 9)  # on, mat
    assert tail_mass(tokenize(["a a a"])) == 0.0


def test_type_growth_and_heaps_exponent():
    t, types = type_growth(tokenize(["a b a c b d"]))
    assert dict(zip(t.tolist(), types.tolist())) == {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4}
    fresh = tokenize([" ".join(f"w{i}" for i in range(5000))])  # every word new: V(t) = t
    assert heaps_exponent(*type_growth(fresh)) == pytest.approx(1.0)
    repeated = tokenize(["x " * 5000])  # one word: V(t) = 1
    assert heaps_exponent(*type_growth(repeated)) == pytest.approx(0.0, abs=1e-12)
    t, _ = type_growth(fresh)
    assert t[0] == 100 and t[-1] == 5000 and np.all(np.diff(t) > 0)


def test_square_root_growth_has_exponent_one_half():
    # word k first appears at position k^2: V(t) = floor(sqrt(t)) (approximately t^0.5)
    words, k = [], 0
    for i in range(1, 40_001):
        if i == (k + 1) ** 2:
            k += 1
            words.append(f"n{k}")
        else:
            words.append("n1")
    assert heaps_exponent(*type_growth(tokenize([" ".join(words)]))) == pytest.approx(0.5, abs=0.02)


def test_profile_measures_the_first_budget_words():
    tokens = tokenize(["a b c d", "a a a a"])
    assert profile(tokens, 4)["distinct_1"] == 1.0 and profile(tokens, 4)["tail_mass"] == 1.0
    whole = profile(tokens)
    assert whole["distinct_1"] == pytest.approx(4 / 8) and whole["tail_mass"] == pytest.approx(3 / 8)
    assert set(whole) == {"distinct_1", "distinct_2", "distinct_3", "distinct_4", "unigram_entropy",
                          "heaps_exponent", "tail_mass"}  # fmt: skip


def test_change_is_relative_and_undefined_against_zero():
    assert change(1.1, 1.0) == pytest.approx(0.1)
    assert change(0.5, 1.0) == pytest.approx(-0.5)
    assert change(0.2, 0.0) is None and change(None, 1.0) is None and change(1.0, math.nan) is None
