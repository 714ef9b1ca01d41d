import random

import numpy as np
import pytest
from datasketch import MinHash

from synthsieve.dedup import minhash
from synthsieve.dedup.minhash import MAX_HASH, MinHashParams, shingle_hash, shingles, signatures
from synthsieve.provenance.ids import normalize_text

ODD_TEXTS = [
    "Hello  World\tfoo\u00a0BAR baz\u2003qux. Ünïcödé\u2028line ｆｕｌｌ\x1cwidth\u0085end",
    "",
    " \n\t ",
    "two words",
    "exactly five words here now",
    "日本語 の テキスト も 大丈夫 です か ？",
]


def _random_texts(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    vocab = ["the", "of", "And", "a", "to", "in", "is", "was", "he", "for", "it", "with", "café", "naïve", "x\ty"]
    return [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 40))) for _ in range(n)]


def _reference_shingles(text: str, ngram: int) -> list[str]:
    words = normalize_text(text).split(" ") if normalize_text(text) else []
    return [" ".join(words[i : i + ngram]) for i in range(max(len(words) - ngram, 0) + 1)] if words else []


def test_params_are_validated_and_tag_their_settings():
    assert str(MinHashParams()) == "mh128_w5_s1_b32r4"
    with pytest.raises(ValueError, match="bands \\* rows"):
        MinHashParams(num_perm=128, bands=10, rows=10)
    with pytest.raises(ValueError, match="positive"):
        MinHashParams(num_perm=0, bands=0, rows=4)


@pytest.mark.parametrize("text", ODD_TEXTS + _random_texts(20))
def test_shingles_are_hashed_word_ngrams_of_the_normalized_text(text):
    expected = [shingle_hash(s) for s in _reference_shingles(text, 5)]
    assert shingles(text).tolist() == expected
    assert shingles(text).dtype == np.uint32


def test_short_text_is_one_shingle_and_empty_text_none():
    assert shingles("Just Three words").tolist() == [shingle_hash("just three words")]
    assert shingles("  ").size == 0
    assert (signatures(["", "   "], MinHashParams()) == MAX_HASH).all()


def test_permutations_are_datasketchs():
    for params in (MinHashParams(), MinHashParams(num_perm=64, seed=7, bands=16, rows=4)):
        a, b = minhash.permutations(params)
        expected = MinHash(num_perm=params.num_perm, seed=params.seed).permutations
        assert np.array_equal(a, expected[0]) and np.array_equal(b, expected[1])


@pytest.mark.parametrize("params", [MinHashParams(), MinHashParams(num_perm=64, ngram=3, seed=7, bands=8, rows=8)])
def test_signatures_equal_datasketch_minhash_with_the_same_shingle_hash(params):
    texts = ODD_TEXTS + _random_texts(60, seed=params.seed)
    sigs = signatures(texts, params)
    assert sigs.shape == (len(texts), params.num_perm) and sigs.dtype == np.uint32
    for text, sig in zip(texts, sigs):
        reference = MinHash(num_perm=params.num_perm, seed=params.seed, hashfunc=shingle_hash)
        reference.update_batch(_reference_shingles(text, params.ngram))
        assert np.array_equal(sig, reference.hashvalues), text


def test_signatures_do_not_depend_on_batching(monkeypatch):
    texts = _random_texts(200, seed=3)
    whole = signatures(texts, MinHashParams())
    monkeypatch.setattr(minhash, "_CHUNK_CHARS", 500)
    monkeypatch.setattr(minhash, "_BUDGET", 4096)
    assert np.array_equal(signatures(texts, MinHashParams()), whole)
    assert np.array_equal(signatures(texts[7:8], MinHashParams())[0], whole[7])
