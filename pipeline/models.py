"""Loading the configured detectors' models up front, with an error that names what is missing."""

from __future__ import annotations

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
        return Annotator(config)
    except (OSError, ValueError) as exc:
        names = ", ".join(config.detectors.enabled)
        raise ModelError(f"cannot load the models of detectors.enabled ({names}): {exc}") from exc
