"""Stylometric features of texts, computed for a whole batch at once with numpy.

Each text is cut to its first ``MAX_CHARS`` characters. Typographic variants that depend on the editor or the
collecting pipeline (curly quotes, ellipsis characters, non-breaking spaces) are folded to ASCII first. The batch is
then one byte array: token boundaries, sentence ends and casing come from numpy over that array, and word lookups
from one ``dict.get`` per token through ``map``; byte counts come from C string methods (``count``, ``translate``)
per text. Only the feature groups a caller names are computed, and phrases are searched for only in texts that have
their longest word.

Words are runs of letters (any non-ASCII byte counts as a letter) with inner apostrophes; digits and punctuation
separate them. A sentence ends at ``.``, ``!`` or ``?`` followed by whitespace (or a closing quote or bracket), or at
the end of the text (line breaks do not end sentences). Rates are per word unless said otherwise.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from itertools import repeat

import numpy as np

from synthsieve.detectors.textdistort import FUNCTION_WORDS, LLM_WORDS

MAX_CHARS = 4000
TTR_WINDOW = 50

# One line per feature: name, then what it measures.
_DOCUMENTED = """
sent_len_mean      mean sentence length in words
sent_len_std       standard deviation of sentence length in words
sent_len_cv        coefficient of variation of sentence length (burstiness): std / mean
ttr                type-token ratio, mean over consecutive 50-word windows (all words if fewer than 50)
word_len_mean      mean word length in characters
word_len_std       standard deviation of word length in characters
common_share       share of words among the ~400 most frequent English words (COMMON_WORDS)
log_rank_mean      mean natural log of a word's rank in COMMON_WORDS, unlisted words ranked 1000
comma_rate         commas per word
semicolon_rate     semicolons per word
colon_rate         colons per word
exclaim_rate       exclamation marks per word
question_rate      question marks per word
paren_rate         parentheses (opening and closing) per word
quote_rate         double quotes (straight or typographic) per word
dash_rate          em dashes, en dashes and spaced hyphens per word
function_share     share of function words (English, German, French, Spanish; textdistort.FUNCTION_WORDS)
article_rate       the / a / an per word
conjunction_rate   and / but / or / so / yet per word
llm_word_share     share of words language models over-use (textdistort.LLM_WORDS: delve, moreover, ...)
llm_phrase_rate    stock LLM phrases (LLM_PHRASES: "it is important to note", "in conclusion", ...) per word
compress_ratio     zlib-compressed bytes / raw bytes (UTF-8, level 6)
cap_start_share    share of sentences whose first word starts with an upper-case letter
allcaps_rate       words of two or more letters, all upper case, per word
lower_i_rate       the pronoun "i" written in lower case, per word
digit_rate         digits per character
contraction_rate   contractions (don't, it's, we'll, ...) per word
first_person_rate  I / me / my / mine / myself / we / us / our / ours / ourselves per word
second_person_rate you / your / yours / yourself / yourselves per word
"""
FEATURE_NAMES = tuple(line.split()[0] for line in _DOCUMENTED.strip().splitlines())

# About 400 of the most frequent English words, most frequent first (rank = position + 1).
COMMON_WORDS = tuple(
    """
the of and to a in is that for it as was with be by on not he i this are or his from at which but have an had they
you were their one all we can her has there been if more when will would who so no she other its about what time up
out them do into than some could only two new also like then first these may people my any after our most made over
him me now such year years way said should just well where very many how because those through your much even back
much get did know make both each us down work before good being us world still own between life last see day here
same while state under go take think great long part must might however since used three use come without never
again government men found house high through around right school every off another few small too old later
general against place case public during system children thing things fact though end want often city country
something point group number given become less within per world important family including course away days
national water business hand information war area money among line early four set home hard whether power several
political best better along why second rather social given health million am yet far able both above below once
little big nothing say says said got going went look told next support per often until already whole together
report left seen left program problem became half kind human local form least taken community large real order
body service women development level help today possible face free making mind need love able history person idea
let major job others thus service economic research name side night members market days due economy law lot open
show change become open include known seemed feel based low young age believe keep word reason result matter put
let course today level since process students study paper data time book question percent toward towards across
full close short sense show simply always ever perhaps probably quite almost done others else maybe enough clear
likely example true certain behind especially instead university experience current common particular similar
recent different able various key specific single whose recently actually according indeed across short month
months week weeks class american english called include including known following important provide provides
services company companies policy sure role effect effects within allow given today available particularly toward
""".split()
)
# Repeated entries above keep their first (best) rank.
_RANKS = {word: rank for rank, word in reversed(list(enumerate(dict.fromkeys(COMMON_WORDS), start=1)))}
_UNLISTED_RANK = 1000
LLM_PHRASES = (
    "it is important to note",
    "it's important to note",
    "it is worth noting",
    "it is essential to",
    "it is crucial to",
    "in conclusion",
    "in summary",
    "to sum up",
    "plays a crucial role",
    "plays a vital role",
    "a testament to",
    "in today's",
    "the realm of",
    "a wide range of",
    "a rich tapestry",
    "delve into",
    "on the other hand",
    "not only",
    "in this article",
    "in this essay",
    "navigate the",
    "ever evolving",
    "serves as a",
)
_CONTRACTIONS = """
don't doesn't didn't isn't aren't wasn't weren't can't couldn't won't wouldn't shouldn't haven't hasn't hadn't
mustn't i'm i've i'll i'd you're you've you'll you'd he's she's it's we're we've we'll we'd they're they've they'll
they'd that's there's what's let's who's here's where's how's ain't y'all
""".split()
_CATEGORIES = {
    "common": set(COMMON_WORDS),
    "function": FUNCTION_WORDS,
    "article": {"the", "a", "an"},
    "conjunction": {"and", "but", "or", "so", "yet"},
    "llm": LLM_WORDS,
    "contraction": set(_CONTRACTIONS),
    "first": {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"},
    "second": {"you", "your", "yours", "yourself", "yourselves"},
}
# Word ids: 0 is any other word; every listed word gets its own id, a row of category flags and a log-rank.
_VOCAB = {word.encode(): i for i, word in enumerate(sorted(set().union(*_CATEGORIES.values())), start=1)}
_FLAGS = np.zeros((len(_VOCAB) + 1, len(_CATEGORIES)), dtype=np.float64)
for _word, _id in _VOCAB.items():
    _FLAGS[_id] = [_word.decode() in members for members in _CATEGORIES.values()]
_LOG_RANK = np.full(len(_VOCAB) + 1, np.log(_UNLISTED_RANK))
for _word, _id in _VOCAB.items():
    _LOG_RANK[_id] = np.log(_RANKS.get(_word.decode(), _UNLISTED_RANK))
_I_ID = _VOCAB[b"i"]
# Each phrase is searched for only in the texts that have its longest word, its key. The word lookup returns the
# word id in the low bits and the key's number (1-based, 0 for none) above ``_KEY_SHIFT``.
_KEY_SHIFT = 16
_KEYS = tuple(dict.fromkeys(max(phrase.split(), key=len).encode() for phrase in LLM_PHRASES))
_KEY_PHRASES = {
    number: tuple(f" {p} ".encode() for p in LLM_PHRASES if max(p.split(), key=len).encode() == key)
    for number, key in enumerate(_KEYS, start=1)
}
_LOOKUP = _VOCAB | {key: _VOCAB.get(key, 0) | number << _KEY_SHIFT for number, key in enumerate(_KEYS, start=1)}

_FOLD = [("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("„", '"'), ("«", '"'), ("»", '"')]
# Em and en dashes become control bytes so that the byte counts find them; both are whitespace to the tokenizer.
_FOLD += [("—", "\x01"), ("–", "\x02"), ("…", "..."), ("\xa0", " ")]
_END = b"\n\x00"
_LETTER = np.zeros(256, dtype=bool)
_LETTER[[*range(65, 91), *range(97, 123), *range(0x80, 0x100)]] = True
_UPPER = np.zeros(256, dtype=bool)
_UPPER[65:91] = True
_TERMINATOR = np.zeros(256, dtype=bool)
_TERMINATOR[list(b".!?")] = True
# What may follow a terminator that ends a sentence: whitespace (dashes included) or a closing quote or bracket.
_FOLLOWER = np.zeros(256, dtype=bool)
_FOLLOWER[list(b" \t\n\r\x0b\x0c\x01\x02\"')]")] = True
_DIGITS = b"0123456789"
_CONTINUATION = bytes(range(0x80, 0xC0))
# Bytes counted by the punctuation rates (em and en dashes were folded to \x01 and \x02).
_PUNCTUATION = tuple(bytes([c]) for c in b',;:!?()"\x01\x02')


def _prepare(text: str) -> bytes:
    """The first ``MAX_CHARS`` characters of ``text`` as UTF-8, typography folded to ASCII."""
    text = text[:MAX_CHARS]
    if not text.isascii():
        for old, new in _FOLD:
            if old in text:
                text = text.replace(old, new)
    return text.encode(errors="replace")


def _group_mean_std(values: np.ndarray, groups: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and population standard deviation of ``values`` per group id in ``range(n)`` (0 for empty groups)."""
    count = np.maximum(np.bincount(groups, minlength=n), 1)
    mean = np.bincount(groups, weights=values, minlength=n) / count
    var = np.bincount(groups, weights=values * values, minlength=n) / count - mean * mean
    return mean, np.sqrt(np.maximum(var, 0.0))


class _Batch:
    """One byte array over a batch of texts and its word tokens.

    Each text is followed by ``_END``: its NUL ends the last sentence, and the two bytes keep phrases (matched with
    single spaces) from spanning two texts. ``offsets`` are where the texts start.
    """

    def __init__(self, texts: Sequence[str]):
        self.data = data = [_prepare(text) for text in texts]
        self.n = len(data)
        self.bytes = np.frombuffer(_END.join(data) + _END, dtype=np.uint8)
        sizes = np.array([len(d) for d in data], dtype=np.int64) + len(_END)
        self.offsets = np.cumsum(sizes) - sizes
        self._tokenize()

    def _tokenize(self) -> None:
        """Word spans, lower-cased words and their ids, documents and sentence numbers."""
        b = self.bytes
        # Apostrophes count as letters only between two letters (contractions, not quotes).
        letter = _LETTER[b]
        word = letter.copy()
        word[1:-1] |= (b[1:-1] == 39) & letter[:-2] & letter[2:]
        padded = np.zeros(len(b) + 2, dtype=bool)
        padded[1:-1] = word
        edges = np.flatnonzero(padded[1:] != padded[:-1])
        self.starts, self.ends = edges[::2], edges[1::2]
        # Words only, lower case, everything else a space: the tokens and the text that phrases are searched in.
        self.words_text = b" " + np.where(word, b, 32).astype(np.uint8).tobytes().lower()
        self.tokens = self.words_text.split()
        codes = np.fromiter(map(_LOOKUP.get, self.tokens, repeat(0)), dtype=np.int64, count=len(self.tokens))
        self.ids, self.keys = codes & ((1 << _KEY_SHIFT) - 1), codes >> _KEY_SHIFT
        self.n_words = np.diff(np.searchsorted(self.starts, np.append(self.offsets, len(b))))
        self.word_doc = np.repeat(np.arange(self.n), self.n_words)
        # Sentence ends: a terminator before whitespace or a closer, and every NUL (each text's end). Line breaks are
        # plain whitespace: whether a collection kept them is an artifact (mixset's human texts have none).
        terminators = np.flatnonzero(_TERMINATOR[b])  # never the last byte, which is a NUL
        ends = np.concatenate([terminators[_FOLLOWER[b[terminators + 1]]], np.flatnonzero(b == 0)])
        self.sentence = np.searchsorted(np.sort(ends), self.starts)

    def per_word(self, counts: np.ndarray) -> np.ndarray:
        """``counts`` per document divided by its number of words (at least 1)."""
        return counts / np.maximum(self.n_words, 1)

    def word_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of a per-word value per document."""
        return np.bincount(self.word_doc, weights=values.astype(np.float64), minlength=self.n)


def _sentence_features(batch: _Batch) -> dict[str, np.ndarray]:
    """Sentence-length mean, std and coefficient of variation; share of capitalized sentence starts."""
    first = batch.sentence != np.concatenate([[-1], batch.sentence[:-1]])
    lengths = np.diff(np.append(np.flatnonzero(first), len(batch.sentence))).astype(np.float64)
    sentence_doc = batch.word_doc[first]
    mean, std = _group_mean_std(lengths, sentence_doc, batch.n)
    capital, _ = _group_mean_std(_UPPER[batch.bytes[batch.starts[first]]].astype(np.float64), sentence_doc, batch.n)
    return {
        "sent_len_mean": mean,
        "sent_len_std": std,
        "sent_len_cv": std / np.maximum(mean, 1.0),
        "cap_start_share": capital,
    }


def _ttr(batch: _Batch) -> dict[str, np.ndarray]:
    """Type-token ratio: mean over consecutive ``TTR_WINDOW``-word windows of each text (all words if fewer)."""
    n_windows = np.maximum(batch.n_words // TTR_WINDOW, 1)
    width = np.minimum(batch.n_words, TTR_WINDOW)
    window_doc = np.repeat(np.arange(batch.n), n_windows)
    first_window = np.cumsum(n_windows) - n_windows
    first_word = np.cumsum(batch.n_words) - batch.n_words
    start = first_word[window_doc] + TTR_WINDOW * (np.arange(len(window_doc)) - first_window[window_doc])
    tokens, widths = batch.tokens, width[window_doc]
    types = [len(set(tokens[a : a + w])) for a, w in zip(start.tolist(), widths.tolist())]
    ratio = np.asarray(types, dtype=np.float64) / np.maximum(widths, 1)
    return {"ttr": np.bincount(window_doc, weights=ratio, minlength=batch.n) / n_windows}


def _word_lengths(batch: _Batch) -> dict[str, np.ndarray]:
    """Word length mean and std in characters (UTF-8 continuation bytes do not count); all-caps words."""
    b = batch.bytes
    continuation = np.concatenate([[0], np.cumsum((b >= 0x80) & (b < 0xC0))])
    length = (batch.ends - batch.starts) - (continuation[batch.ends] - continuation[batch.starts])
    mean, std = _group_mean_std(length.astype(np.float64), batch.word_doc, batch.n)
    upper = np.concatenate([[0], np.cumsum(_UPPER[b])])
    allcaps = (length >= 2) & (upper[batch.ends] - upper[batch.starts] == length)
    return {"word_len_mean": mean, "word_len_std": std, "allcaps_rate": batch.per_word(batch.word_sum(allcaps))}


def _lower_i(batch: _Batch) -> dict[str, np.ndarray]:
    """The pronoun "i" written in lower case, per word."""
    lower_i = (batch.ids == _I_ID) & (batch.bytes[batch.starts] == ord("i"))
    return {"lower_i_rate": batch.per_word(batch.word_sum(lower_i))}


def _share(category: str, name: str) -> Callable[[_Batch], dict[str, np.ndarray]]:
    """A feature group computing the share of words in one ``_CATEGORIES`` list."""
    flags = np.ascontiguousarray(_FLAGS[:, list(_CATEGORIES).index(category)])

    def share(batch: _Batch) -> dict[str, np.ndarray]:
        return {name: batch.per_word(batch.word_sum(flags[batch.ids]))}

    return share


def _log_rank(batch: _Batch) -> dict[str, np.ndarray]:
    """Mean log-rank of words in ``COMMON_WORDS``."""
    width = len(_LOG_RANK)
    counts = np.bincount(batch.word_doc * width + batch.ids, minlength=batch.n * width).reshape(batch.n, width)
    return {"log_rank_mean": batch.per_word(counts @ _LOG_RANK)}


def _phrases(batch: _Batch) -> dict[str, np.ndarray]:
    """Stock LLM phrases per word."""
    found = np.zeros(batch.n, dtype=np.int64)
    # Text i is words_text[offsets[i] : offsets[i + 1]]: one leading space more than the byte array, one NUL less.
    bounds = np.append(batch.offsets, len(batch.words_text)).tolist()
    keyed = np.flatnonzero(batch.keys)
    for doc, key in set(zip(batch.word_doc[keyed].tolist(), batch.keys[keyed].tolist())):
        for phrase in _KEY_PHRASES[key]:
            found[doc] += _count(batch.words_text, phrase, bounds[doc], bounds[doc + 1])
    return {"llm_phrase_rate": batch.per_word(found)}


def _count(text: bytes, needle: bytes, start: int, end: int) -> int:
    """Occurrences of ``needle`` in ``text[start:end]``, overlapping ones included."""
    found, at = 0, text.find(needle, start, end)
    while at >= 0:
        found += 1
        at = text.find(needle, at + 1, end)
    return found


def _character_counts(data: bytes) -> list[int]:
    """Counts of each ``_PUNCTUATION`` byte, then spaced hyphens, of one text."""
    # Doubled spaces keep hyphens in runs like " - - " from sharing a space, so ``count`` sees each one.
    return [data.count(mark) for mark in _PUNCTUATION] + [data.replace(b" ", b"  ").count(b" - ")]


def _character_features(batch: _Batch) -> dict[str, np.ndarray]:
    """Punctuation and dash rates per word."""
    c = np.array([_character_counts(d) for d in batch.data], dtype=np.int64).reshape(batch.n, len(_PUNCTUATION) + 1)
    rate = {
        "comma_rate": c[:, 0],
        "semicolon_rate": c[:, 1],
        "colon_rate": c[:, 2],
        "exclaim_rate": c[:, 3],
        "question_rate": c[:, 4],
        "paren_rate": c[:, 5] + c[:, 6],
        "quote_rate": c[:, 7],
        "dash_rate": c[:, 8] + c[:, 9] + c[:, 10],
    }
    return {name: batch.per_word(count) for name, count in rate.items()}


def _digit_rate(batch: _Batch) -> dict[str, np.ndarray]:
    """Digits per character (UTF-8 continuation bytes are not characters)."""
    digits = [len(d) - len(d.translate(None, _DIGITS)) for d in batch.data]
    chars = [max(len(d.translate(None, _CONTINUATION)), 1) for d in batch.data]
    return {"digit_rate": np.array(digits, dtype=np.int64) / np.array(chars, dtype=np.int64)}


def _compression(batch: _Batch) -> dict[str, np.ndarray]:
    """zlib-compressed size over raw size of each text (1 for an empty text)."""
    return {"compress_ratio": np.array([len(zlib.compress(d, 6)) / len(d) if d else 1.0 for d in batch.data])}


_SHARES = {
    "common": "common_share",
    "function": "function_share",
    "article": "article_rate",
    "conjunction": "conjunction_rate",
    "llm": "llm_word_share",
    "contraction": "contraction_rate",
    "first": "first_person_rate",
    "second": "second_person_rate",
}
# Each group of features and the names it computes, so that a caller needing a few skips the other groups.
_GROUPS = {
    _sentence_features: ("sent_len_mean", "sent_len_std", "sent_len_cv", "cap_start_share"),
    _word_lengths: ("word_len_mean", "word_len_std", "allcaps_rate"),
    _lower_i: ("lower_i_rate",),
    _log_rank: ("log_rank_mean",),
    _phrases: ("llm_phrase_rate",),
    _character_features: (
        "comma_rate",
        "semicolon_rate",
        "colon_rate",
        "exclaim_rate",
        "question_rate",
        "paren_rate",
        "quote_rate",
        "dash_rate",
    ),
    _digit_rate: ("digit_rate",),
    _compression: ("compress_ratio",),
    _ttr: ("ttr",),
} | {_share(category, name): (name,) for category, name in _SHARES.items()}


def features(texts: Sequence[str], names: Sequence[str] = FEATURE_NAMES) -> np.ndarray:
    """Stylometric features of a batch of texts.

    Args:
        texts: any texts; each is read up to ``MAX_CHARS`` characters.
        names: the features wanted, from ``FEATURE_NAMES``; groups of features none of them needs are skipped.

    Returns:
        float32 array of shape ``[len(texts), len(names)]``, columns in ``names`` order.
    """
    unknown = set(names) - set(FEATURE_NAMES)
    if unknown:
        raise KeyError(f"unknown stylometric features {sorted(unknown)}; known: {', '.join(FEATURE_NAMES)}")
    if len(texts) == 0:
        return np.zeros((0, len(names)), dtype=np.float32)
    batch = _Batch(texts)
    columns = {}
    for group, group_names in _GROUPS.items():
        if set(group_names) & set(names):
            columns |= group(batch)
    return np.stack([columns[name] for name in names], axis=1).astype(np.float32)
