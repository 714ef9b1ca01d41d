"""Loading the configured detectors' models: up front, with an error that names what is missing, and once per
worker process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from synthsieve.config import Config


class ModelError(RuntimeError):
    """A configured detector's model cannot be loaded."""


def load_annotator(config: Config):
    """The Annotator of ``config``, loaded once up front so that a missing model fails before any worker starts.

    Raises:
        ModelError: naming the configured detectors and the file or error behind it.
    """
    from synthsieve.pipeline.annotate import Annotator

    try:
        annotator = Annotator(config)
    except (OSError, ValueError) as exc:
        names = ", ".join(config.detectors.enabled)
        raise ModelError(f"cannot load the models of detectors.enabled ({names}): {exc}") from exc
    if config.lm.enabled:
        from synthsieve.detectors.lm import check_available

        try:
            check_available(config.lm.model_path or None, config.lm.card_path or None)
        except (FileNotFoundError, ValueError) as exc:
            raise ModelError(f"cannot run the second stage (lm.enabled): {exc}") from exc
    return annotator


class WorkerModels:
    """A worker process's models for one config, each loaded on first use and then kept: the first stage (scoring
    and known-synthetic fingerprinting share it) and ``lm_v2``. One object per process (Beam's ``Shared``), so
    one cache entry: a stage's models are not dropped when another stage's DoFn acquires its own."""

    def __init__(self, config: Config):
        self.config = config
        self._lock = threading.Lock()  # DoFn threads of a process ask at once; each model loads once
        self._loaded: dict[str, Any] = {}

    def first_stage(self):
        """The configured first stage (``pipeline.annotate.load_first_stage``)."""
        from synthsieve.pipeline.annotate import load_first_stage

        return self._get("first", load_first_stage)

    def lm(self):
        """``lm_v2`` as ``config.lm`` sets it up (``pipeline.lm_stage.load_lm``)."""
        from synthsieve.pipeline.lm_stage import load_lm

        return self._get("lm", load_lm)

    def _get(self, name: str, load: Callable[[Config], Any]) -> Any:
        with self._lock:
            if name not in self._loaded:
                self._loaded[name] = load(self.config)
            return self._loaded[name]
