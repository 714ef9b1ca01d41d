"""Sampled continuations of human texts by a small base-style LM: training rows for text no labelled set teaches.

The first stage reads style, and text sampled from a base model (GPT-2, GPT-J, GPT-NeoX, OPT: a content farm's
cheap generator) has no assistant style to learn; the labelled sets hold such text in one data set only
(fast-detect-gpt), so leaving it out leaves none. This module writes that kind of text itself: SmolLM2-135M (the LM
stage's model, already on the machine) continues the first ``PROMPT_TOKENS`` tokens of English human texts with
plain sampling, nucleus sampling or top-k sampling, as the published sets were made. Each row keeps its source's
``group``, so a fold that holds a source out holds its continuation out too; the rows form no fold of their own
(``data.TRAINING_ONLY``). The texts are derived from the labelled sets, so they live in the cache, never in the
repository; the same rows, seed and machine give the same texts.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xxhash

from synthsieve_training.data import TRAINING_ONLY

((DATASET, GENERATOR),) = TRAINING_ONLY.items()
AUGMENT_SEED = 11
PROMPT_TOKENS = 30
NEW_TOKENS = 180
BATCH_SIZE = 64  # texts sampled together: their seed is the batch's, so this is part of what makes the texts
MIN_PROMPT_WORDS = 80  # a source must be longer than its prompt by far, as the sets' human texts are
# (name, generate() keywords): the decodings of the published continuation sets, cycled batch by batch.
DECODINGS = (
    ("sampling", {"top_k": 0, "top_p": 1.0, "temperature": 1.0}),
    ("top_p_0.96", {"top_k": 0, "top_p": 0.96, "temperature": 1.0}),
    ("top_k_40", {"top_k": 40, "top_p": 1.0, "temperature": 1.0}),
)


def sources(rows: Sequence[dict], n: int, seed: int) -> list[int]:
    """Indices of up to ``n`` English human rows, spread evenly over (data set, domain) so no one source dominates."""
    strata: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        if row["label"] == "human" and row["lang"] == "en" and len(row["text"].split()) >= MIN_PROMPT_WORDS:
            strata.setdefault((row["dataset"], row["domain"]), []).append(i)
    rng = np.random.default_rng(seed)
    pools = [list(rng.permutation(strata[key])) for key in sorted(strata)]
    chosen: list[int] = []
    while len(chosen) < n and any(pools):
        for pool in pools:
            if pool and len(chosen) < n:
                chosen.append(int(pool.pop()))
    return sorted(chosen)


def continuations(
    texts: Sequence[str], seed: int, batch_size: int = BATCH_SIZE, new_tokens: int = NEW_TOKENS, model_path=None
) -> list[tuple[str, str]]:
    """Each text's first ``PROMPT_TOKENS`` tokens continued by ``new_tokens`` sampled ones: (text, decoding name).
    Prompts of similar length share a batch, which one seed and one decoding serve; one torch thread (generation's
    small steps gain nothing from a second, and lose much on a busy machine)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        tok, model = _load(model_path)
        prompts = tok(list(texts), add_special_tokens=False, truncation=True, max_length=PROMPT_TOKENS)["input_ids"]
        order = np.argsort([len(p) for p in prompts], kind="stable")
        out: list[tuple[str, str]] = [("", "")] * len(texts)
        started = time.perf_counter()
        for b, start in enumerate(range(0, len(order), batch_size)):
            rows = order[start : start + batch_size]
            name, decoding = DECODINGS[b % len(DECODINGS)]
            torch.manual_seed(seed + b)
            made = _generate(tok, model, [prompts[i] for i in rows], new_tokens, decoding)
            for i, text in zip(rows, made):
                out[i] = (text, name)
            print(
                f"augment: {start + len(rows)}/{len(order)} ({time.perf_counter() - started:.0f} s)", file=sys.stderr
            )
        return out
    finally:
        torch.set_num_threads(threads)


def _generate(tok, model, prompts: list[list[int]], new_tokens: int, decoding: dict) -> list[str]:
    """One batch of prompts (token ids), left-padded so every prompt ends where generation starts, continued."""
    import torch

    width = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), width), tok.eos_token_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for r, prompt in enumerate(prompts):
        ids[r, width - len(prompt) :] = torch.tensor(prompt)
        mask[r, width - len(prompt) :] = 1
    with torch.inference_mode():
        generated = model.generate(
            input_ids=ids,
            attention_mask=mask,
            do_sample=True,
            max_new_tokens=new_tokens,
            min_new_tokens=new_tokens,
            pad_token_id=tok.eos_token_id,
            **decoding,
        )
    return [
        tok.decode(prompt + generated[r, width:].tolist(), skip_special_tokens=True)
        for r, prompt in enumerate(prompts)
    ]


def _load(model_path=None):
    """SmolLM2 (or ``model_path``) as a generating model and its tokenizer, in the LM stage's dtype."""
    import torch
    from transformers.models.auto.modeling_auto import AutoModelForCausalLM
    from transformers.models.auto.tokenization_auto import AutoTokenizer

    from synthsieve.detectors.lm import converted, default_model_path, pick_dtype

    path = Path(model_path) if model_path else default_model_path()
    folder = converted(path) if path.suffix == ".gguf" else path
    dtype = getattr(torch, pick_dtype("auto", "cpu"))
    tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    return tok, AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=dtype).eval()


def augmented_rows(rows: Sequence[dict], n: int, seed: int, cache: Path) -> list[dict]:
    """``n`` continuation rows for ``rows`` (labelled ``synthetic``), generated once and cached under ``cache``."""
    chosen = sources(rows, n, seed)
    from synthsieve.detectors.lm import default_model_path

    recipe = [seed, default_model_path().name, PROMPT_TOKENS, NEW_TOKENS, BATCH_SIZE, DECODINGS]
    key = xxhash.xxh3_64_hexdigest(json.dumps([*recipe, [rows[i]["id"] for i in chosen]]).encode())
    path = Path(cache) / f"{DATASET}-{key}.jsonl.gz"
    if path.is_file():
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return [json.loads(line) for line in f]
    made = continuations([rows[i]["text"] for i in chosen], seed)
    out = [_row(rows[i], text, decoding) for i, (text, decoding) in zip(chosen, made)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in out)
    tmp.rename(path)
    return out


def _row(source: dict, text: str, decoding: str) -> dict:
    return {
        "id": f"aug-{source['id']}",
        "text": text,
        "label": "synthetic",
        "dataset": DATASET,
        "domain": source["domain"],
        "generator": GENERATOR,
        "attack": decoding,
        "lang": "en",
        "group": source["group"],
    }
