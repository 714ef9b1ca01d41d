"""Registry of detectors by versioned name (``fasttext_words_v1``, ``markers_v1``, ...)."""

from __future__ import annotations

from collections.abc import Callable

from synthsieve.detectors.base import Detector

_REGISTRY: dict[str, type[Detector]] = {}


def register(name: str) -> Callable[[type[Detector]], type[Detector]]:
    """Class decorator that registers a detector class under its versioned name (which must be its ``name``)."""

    def wrap(cls: type[Detector]) -> type[Detector]:
        if name in _REGISTRY:
            raise ValueError(f"detector {name!r} is registered twice")
        if cls.name != name:
            raise ValueError(f"detector class {cls.__name__} is named {cls.name!r}, registered as {name!r}")
        _REGISTRY[name] = cls
        return cls

    return wrap


def known() -> list[str]:
    """Names of every registered detector."""
    _import_builtin()
    return sorted(_REGISTRY)


def create(name: str, model_path: str | None = None) -> Detector:
    """Loads the detector registered as ``name``; unknown names fail listing the known ones."""
    return factory(name).load(model_path)


def factory(name: str) -> type[Detector]:
    """The class registered as ``name`` (its ``name``, ``version`` and ``outputs`` without loading a model)."""
    _import_builtin()
    if name not in _REGISTRY:
        raise KeyError(f"unknown detector {name!r}; known detectors: {', '.join(known())}")
    return _REGISTRY[name]


def _import_builtin() -> None:
    # Registration happens on import; importing here keeps heavy model libraries out of module import time.
    from synthsieve.detectors import fasttext_text, lm, markers, style  # noqa: F401
