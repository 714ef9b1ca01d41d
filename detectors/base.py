"""The detector component model: a versioned scorer of text batches with typed outputs and declared languages.

A detector is a class registered under its versioned name (``registry.register``). ``load`` builds it once per
process (models, lookup tables); ``score`` turns a batch of texts into one float32 array per declared output. The
pipeline, ``synthsieve eval`` and training all call ``detectors.scoring.FirstStage``, which runs detectors through
this interface only.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

MODELS = Path(__file__).parent / "models"


@dataclass(frozen=True)
class Output:
    """One score a detector writes, stored as the float32 column ``{detector}__{name}``."""

    name: str
    help: str


@dataclass
class Scores:
    """A detector's scores of one batch: ``columns`` holds one float32 array per output, aligned with the texts;
    ``reasons`` (optional) one list of short strings per text, merged into the document's reasons."""

    columns: dict[str, np.ndarray]
    reasons: list[list[str]] | None = None

    @staticmethod
    def empty(outputs: Sequence[Output]) -> Scores:
        """Scores of an empty batch."""
        return Scores({o.name: np.zeros(0, np.float32) for o in outputs})


class Detector(ABC):
    """A text detector.

    Class attributes: ``name`` (versioned, e.g. ``fasttext_words_v1``), ``version``, ``outputs``, and the roles of
    two outputs in the decision: ``probability`` names the output that is P(synthetic) (None for evidence-only
    detectors) and ``hard_evidence`` the one that counts proof of machine authorship (None if none).
    ``languages`` holds the ISO 639-1 codes the detector was trained and validated on (from its model card), or None
    for a detector that is valid in any language; a document in another language is not judged by it.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    outputs: ClassVar[tuple[Output, ...]]
    probability: ClassVar[str | None] = "p"
    hard_evidence: ClassVar[str | None] = None
    languages: frozenset[str] | None = None

    @classmethod
    @abstractmethod
    def load(cls, model_path: str | None = None) -> Detector:
        """Builds the detector, reading its model from ``model_path`` (default: the packaged one)."""

    @abstractmethod
    def score(self, texts: Sequence[str]) -> Scores:
        """Scores a batch of texts (each already cut to the detector's reading length by the caller or itself)."""

    def judges(self, langs: Sequence[str]) -> np.ndarray:
        """Which texts of a batch, by detected language, this detector may judge."""
        if self.languages is None:
            return np.ones(len(langs), dtype=bool)
        return np.fromiter((lang in self.languages for lang in langs), dtype=bool, count=len(langs))


def model_file(model_path: str | None, default: str, trainer: str) -> Path:
    """The model file to load: ``model_path`` or the packaged ``models/{default}``; a missing file raises
    FileNotFoundError saying how to make it (``trainer``)."""
    path = Path(model_path) if model_path else MODELS / default
    if not path.is_file():
        raise FileNotFoundError(f"model {path} is missing: {trainer} creates it")
    return path


def model_card(path: Path) -> dict:
    """The JSON card beside a model file (``x.ftz`` -> ``x.json``), or the file itself when it is JSON."""
    card = path if path.suffix == ".json" else path.with_suffix(".json")
    return json.loads(card.read_text(encoding="utf-8")) if card.is_file() else {}


def declared_languages(card: dict) -> frozenset[str] | None:
    """The languages a model card declares (``languages``: a list), None when it declares none."""
    languages = card.get("languages")
    return frozenset(languages) if languages is not None else None
