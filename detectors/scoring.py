"""The first stage: the one scoring path of the pipeline, ``synthsieve eval`` and training.

Texts pass the gate (``gate``), the configured detectors score the texts in the languages they declare, the stacker
turns their probabilities into ``p_synthetic``, and hard evidence (strong markers, AI disclosures) lifts it to the
marker floor. A text is judged when the gate passes it and every probability detector and the stacker declare its
language; otherwise it is ``not_scored:<why>``, has no ``p_synthetic`` (NaN) and stays uncertain unless hard
evidence decides.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from synthsieve.detectors import registry
from synthsieve.detectors.base import Detector, Scores
from synthsieve.detectors.decide import Evidence
from synthsieve.detectors.gate import gate
from synthsieve.detectors.stacker import STACKER_PATH, Stacker
from synthsieve.schemas.records import score_column

log = logging.getLogger(__name__)


@dataclass
class Detected:
    """What the detectors said of a batch before combination: judged texts, ``not_scored:<why>`` of the others, and
    each detector's scores (by name)."""

    judged: np.ndarray
    why_not: list[str | None]
    scored: dict[str, Scores]


@dataclass
class FirstStageScores:
    """A batch's evidence and every detector's score columns (``{detector}__{output}`` -> float32, NaN where the
    detector did not judge the text)."""

    evidence: Evidence
    columns: dict[str, np.ndarray]


class FirstStage:
    """Configured detectors and their stacker, loaded once; ``score`` runs a batch through them.

    Args:
        detectors: loaded detectors, in configured order.
        stacker: the combination of the probability detectors; it must weigh exactly those detectors.
        min_words: texts with fewer words are not judged.
        marker_p: the floor hard evidence lifts ``p_synthetic`` to.
    """

    def __init__(self, detectors: Sequence[Detector], stacker: Stacker, min_words: int, marker_p: float):
        self.detectors = list(detectors)
        self.probabilistic = [d for d in self.detectors if d.probability is not None]
        names = sorted(d.name for d in self.probabilistic)
        if sorted(stacker.weights) != names:
            raise ValueError(f"the stacker weighs {sorted(stacker.weights)}, the configured detectors are {names}")
        self.stacker, self.min_words, self.marker_p = stacker, min_words, marker_p

    @classmethod
    def load(
        cls,
        names: Sequence[str],
        min_words: int,
        marker_p: float,
        model_paths: Mapping[str, str] | None = None,
        stacker: Stacker | None = None,
    ) -> FirstStage:
        """Loads the detectors ``names`` (models from ``model_paths`` by name, else the packaged ones) and a stacker.

        Without ``stacker``, the packaged one serves when it weighs exactly the configured probability detectors;
        another set of detectors is combined by the mean of their log-odds (uncalibrated).
        """
        paths = model_paths or {}
        detectors = [registry.create(name, paths.get(name)) for name in names]
        if stacker is None:
            probabilistic = sorted(d.name for d in detectors if d.probability is not None)
            stacker = Stacker.load(STACKER_PATH) if STACKER_PATH.is_file() else None
            if stacker is None or sorted(stacker.weights) != probabilistic:
                log.warning(
                    "the packaged stacker weighs %s, not the configured %s: their mean log-odds serve, "
                    "uncalibrated (the default thresholds assume the packaged stacker)",
                    sorted(stacker.weights) if stacker else [],
                    probabilistic,
                )
                stacker = Stacker.mean_logit(probabilistic)
        return cls(detectors, stacker, min_words, marker_p)

    def languages(self) -> frozenset[str] | None:
        """The languages every probability detector (and the stacker) declares; None: any language."""
        declared = [d.languages for d in self.probabilistic if d.languages is not None]
        if self.stacker.languages is not None:
            declared.append(self.stacker.languages)
        return frozenset.intersection(*declared) if declared else None

    def score(
        self, texts: Sequence[str], langs: Sequence[str], n_words: np.ndarray, disclosures: Sequence[Sequence[str]]
    ) -> FirstStageScores:
        """Scores a batch: ``detect`` then ``evidence``.

        Args:
            texts: the documents' texts.
            langs: each text's detected language (ISO 639-1, or ``und``).
            n_words: each text's word count (``gate.word_counts``).
            disclosures: each text's AI-disclosure markers (hard evidence).
        """
        return self.evidence(self.detect(texts, langs, n_words), disclosures)

    def detect(self, texts: Sequence[str], langs: Sequence[str], n_words: np.ndarray) -> Detected:
        """The gate's and the languages' verdicts and every detector's scores of a batch."""
        judged, why_not = self._judged(texts, langs, n_words)
        scored = {d.name: _score_rows(d, texts, judged if d.probability else d.judges(langs)) for d in self.detectors}
        return Detected(judged, why_not, scored)

    def evidence(self, detected: Detected, disclosures: Sequence[Sequence[str]]) -> FirstStageScores:
        """``p_synthetic`` (the stacked probabilities, lifted by hard evidence; NaN where neither), reasons and score
        columns."""
        judged, scored = detected.judged, detected.scored
        p = np.full(len(judged), np.nan, np.float32)
        if judged.any():
            probabilities = {d.name: scored[d.name].columns[d.probability][judged] for d in self.probabilistic}
            p[judged] = self.stacker.combine(probabilities)
        hard = np.array([bool(d) for d in disclosures], dtype=bool)
        for d in self.detectors:
            if d.hard_evidence is not None:
                hard |= np.nan_to_num(scored[d.name].columns[d.hard_evidence]) > 0
        p = np.where(hard, np.fmax(p, self.marker_p), p).astype(np.float32)  # fmax: a NaN p becomes the floor
        reasons = self._reasons(scored, judged, detected.why_not, disclosures)
        columns = {score_column(name, out): values for name, s in scored.items() for out, values in s.columns.items()}
        return FirstStageScores(Evidence(p, judged, hard, reasons), columns)

    def with_stacker(self, stacker: Stacker) -> FirstStage:
        """The same detectors combined by another stacker (training compares stackers on one set of scores)."""
        return FirstStage(self.detectors, stacker, self.min_words, self.marker_p)

    def restricted(self, detected: Detected, langs: Sequence[str], languages: frozenset[str] | None) -> Detected:
        """What ``detect`` would have said with the probability detectors limited to ``languages``: the same scores
        for the texts still judged, none for the others (training picks the languages after scoring all of them)."""
        judged, why_not = spoken(detected.judged, detected.why_not, langs, languages)
        dropped = detected.judged & ~judged
        scored = dict(detected.scored)
        for d in self.probabilistic:
            columns = {k: np.where(dropped, np.float32(np.nan), v) for k, v in scored[d.name].columns.items()}
            scored[d.name] = Scores(columns, scored[d.name].reasons)
        return Detected(judged, why_not, scored)

    def _judged(self, texts, langs, n_words) -> tuple[np.ndarray, list[str | None]]:
        """Texts the probability detectors judge, and ``not_scored:<why>`` for the others."""
        judged, why_not = gate(texts, n_words, self.min_words)
        if not self.probabilistic:
            return np.zeros(len(texts), bool), [r or "not_scored:no_text_detector" for r in why_not]
        return spoken(judged, why_not, langs, self.languages())

    def _reasons(self, scored: dict[str, Scores], judged, why_not, disclosures) -> list[list[str]]:
        """Per text: its disclosures, why it was not judged, each detector's ``p`` where judged and its reasons."""
        # Python lists, not numpy scalars: indexing and formatting a numpy float costs ~1 µs a reason.
        per_detector = [
            (
                f"{d.name}:p=",
                scored[d.name].columns[d.probability].tolist() if d.probability is not None else None,
                scored[d.name].reasons,
            )
            for d in self.detectors
        ]
        out = []
        for i, (disclosed, is_judged) in enumerate(zip(disclosures, judged.tolist(), strict=True)):
            why = [f"disclosure:{d}" for d in disclosed] + ([why_not[i]] if why_not[i] else [])
            for prefix, p, reasons in per_detector:
                if p is not None and is_judged:
                    why.append(f"{prefix}{p[i]:.2f}")
                if reasons is not None:
                    why.extend(reasons[i])
            out.append(why)
        return out


def spoken(
    judged: np.ndarray, why_not: list[str | None], langs: Sequence[str], languages: frozenset[str] | None
) -> tuple[np.ndarray, list[str | None]]:
    """``judged`` narrowed to the texts in ``languages`` (None: all), the others ``not_scored:language=<lang>``.

    The language is the reason even where the gate had one: no detector could score the text at any length (and
    whitespace words undercount scripts written without spaces, so a long Chinese text would read ``too_short``).
    """
    if languages is None:
        return judged, why_not
    ok = np.fromiter((lang in languages for lang in langs), dtype=bool, count=len(langs))
    return judged & ok, [r if ok[i] else f"not_scored:language={langs[i]}" for i, r in enumerate(why_not)]


def _score_rows(detector: Detector, texts: Sequence[str], rows: np.ndarray) -> Scores:
    """The detector's scores of the texts at ``rows``, spread back over the batch (NaN elsewhere)."""
    index = np.flatnonzero(rows)
    scores = detector.score([texts[i] for i in index]) if len(index) else Scores.empty(detector.outputs)
    columns = {}
    for output in detector.outputs:
        full = np.full(len(texts), np.nan, np.float32)
        full[index] = scores.columns[output.name]
        columns[output.name] = full
    reasons = None
    if scores.reasons is not None:
        reasons = [[] for _ in texts]
        for i, why in zip(index.tolist(), scores.reasons):
            reasons[i] = why
    return Scores(columns, reasons)
