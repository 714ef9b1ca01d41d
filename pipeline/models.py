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
        annotator = Annotator(config)
    except (OSError, ValueError) as exc:
        names = ", ".join(config.detectors.enabled)
        raise ModelError(f"cannot load the models of detectors.enabled ({names}): {exc}") from exc
    if config.lm.enabled:
        from synthsieve.detectors.lm import check_available

        try:
            check_available(config.lm.model_path or None, config.lm.card_path or None)
        except FileNotFoundError as exc:
            raise ModelError(f"cannot run the second stage (lm.enabled): {exc}") from exc
    return annotator
