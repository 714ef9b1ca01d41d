"""Registry of detectors by versioned name (``fasttext_char_v1``, ``markers_v1``, ...)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np


class Detector(Protocol):
    """A detector scores a batch of texts.

    ``score`` returns named float32 arrays, one value per text, for the names in ``outputs``; the pipeline stores
    each as the column ``{detector.name}__{score_name}``. ``p`` is the detector's own probability that a text is
    synthetic. A detector may also return ``reasons``: one list of short strings per text, merged into the
    document's reasons.
    """

    name: str
    version: str
    outputs: tuple[str, ...]

    def score(self, texts: Sequence[str]) -> dict[str, np.ndarray]: ...


_REGISTRY: dict[str, Callable[..., Detector]] = {}


def register(name: str) -> Callable:
    """Class decorator that registers a detector factory under its versioned name."""

    def wrap(factory: Callable[..., Detector]) -> Callable[..., Detector]:
        if name in _REGISTRY:
            raise ValueError(f"detector {name!r} is registered twice")
        _REGISTRY[name] = factory
        return factory

    return wrap


def known() -> list[str]:
    """Names of every registered detector."""
    _import_builtin()
    return sorted(_REGISTRY)


def create(name: str, **kwargs) -> Detector:
    """Instantiates the detector registered as ``name``; unknown names fail listing the known ones."""
    return factory(name)(**kwargs)


def factory(name: str) -> Callable[..., Detector]:
    """The class registered as ``name`` (its ``name``, ``version`` and ``outputs`` without loading a model)."""
    _import_builtin()
    if name not in _REGISTRY:
        raise KeyError(f"unknown detector {name!r}; known detectors: {', '.join(known())}")
    return _REGISTRY[name]


def _import_builtin() -> None:
    # Registration happens on import; importing here keeps heavy model libraries out of module import time.
    from synthsieve.detectors import fasttext_char, lm, markers, style  # noqa: F401
