"""fastText style classifiers: P(synthetic) per text from a quantized supervised model over one featurization.

``fasttext_distort_v2`` reads ``textdistort.distort`` tokens (function words, punctuation and word shapes: how a
text is written, not what it is about); ``fasttext_words_v1`` reads ``wordtokens.words`` (every word: the phrasing
and vocabulary language models favour); ``fasttext_chars_v1`` reads ``chartrigrams.chars`` (the character trigrams of
a text's start: how it is typed). Each model's card (the ``.json`` beside the ``.ftz``) holds its recipe,
training data and the languages it was validated on.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from typing import ClassVar

import numpy as np

from synthsieve.detectors.base import Detector, Output, Scores, declared_languages, model_card, model_file
from synthsieve.detectors.chartrigrams import CHARS, chars, chars_batch
from synthsieve.detectors.registry import register
from synthsieve.detectors.textdistort import MAX_CHARS, distort, distort_spaced, spaced_batch
from synthsieve.detectors.wordtokens import words, words_spaced

SYNTHETIC_LABEL = "__label__synthetic"
TRAINER = "`synthsieve train` (training/ in the repository)"


class FastTextDetector(Detector):
    """A quantized fastText model over ``featurize(text)``; the model card names its languages."""

    version = "2.0.0"
    outputs = (Output("p", "P(synthetic) of the fastText model"),)
    featurize: ClassVar[Callable[[str], str]]  # text -> tokens (training)
    reads_chars: ClassVar[int]  # how much of a text ``featurize`` reads

    def __init__(self, model, languages: frozenset[str] | None):
        self.model = model
        self.languages = languages

    @classmethod
    def load(cls, model_path: str | None = None) -> FastTextDetector:
        import fasttext

        path = model_file(model_path, f"{cls.name}.ftz", TRAINER)
        return cls(fasttext.load_model(str(path)), declared_languages(model_card(path)))

    def score(self, texts: Sequence[str]) -> Scores:
        """Scores a batch with one fastText call; ``p`` is in [0, 1]."""
        if len(texts) == 0:
            return Scores.empty(self.outputs)
        labels, probs = self.model.predict(self.lines(texts), k=-1)
        p = [prob[label.index(SYNTHETIC_LABEL)] for label, prob in zip(labels, probs, strict=True)]
        return Scores({"p": np.clip(np.asarray(p, dtype=np.float32), 0.0, 1.0)})

    @abstractmethod
    def lines(self, texts: Sequence[str]) -> list[str]:
        """The model's input line of each text: ``featurize`` of it, computed for the whole batch."""


class SpacedFastTextDetector(FastTextDetector):
    """A fastText detector whose featurization reads ``textdistort.spaced`` text (``from_spaced``)."""

    from_spaced: ClassVar[Callable[[bytes], str]]  # ``textdistort.spaced`` form -> ``featurize``'s tokens
    reads_chars = MAX_CHARS

    def lines(self, texts: Sequence[str]) -> list[str]:
        """``from_spaced`` of the batch's spaced form, computed once for every such detector (``spaced_batch``)."""
        from_spaced = type(self).from_spaced
        return [from_spaced(data) for data in spaced_batch(tuple(texts))]


@register("fasttext_distort_v2")
class FastTextDistortV2(SpacedFastTextDetector):
    """fastText over distorted text (Stamatatos' DV-MA: function words, punctuation, word shapes)."""

    name = "fasttext_distort_v2"
    featurize = staticmethod(distort)
    from_spaced = staticmethod(distort_spaced)


@register("fasttext_words_v1")
class FastTextWordsV1(SpacedFastTextDetector):
    """fastText over lowercased words and punctuation, with word bigrams."""

    name = "fasttext_words_v1"
    version = "1.0.0"
    featurize = staticmethod(words)
    from_spaced = staticmethod(words_spaced)


@register("fasttext_chars_v1")
class FastTextCharsV1(FastTextDetector):
    """fastText over the character trigrams of a text's first 400 characters (case, punctuation, word boundaries)."""

    name = "fasttext_chars_v1"
    version = "1.0.0"
    featurize = staticmethod(chars)
    reads_chars = CHARS

    def lines(self, texts: Sequence[str]) -> list[str]:
        """``chars`` of the batch in one pass (``chars_batch``)."""
        return chars_batch(texts)
