"""Training of the fastText detectors (``fasttext_distort_v2``, ``fasttext_words_v1``, ``fasttext_chars_v1``): a
``__label__`` file of featurized texts, a fit in a fresh interpreter, a quantized model and its card."""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter
from importlib.metadata import version
from pathlib import Path

from synthsieve import __version__
from synthsieve.detectors import registry
from synthsieve_training import fasttext_fit

# Per detector: fastText hyperparameters (fastText's own names) over fasttext_fit.DEFAULTS, chosen by LODO
# (docs/DETECTION.md); ``mixed`` rows (human text an LLM polished) train as synthetic.
RECIPES: dict[str, dict] = {
    "fasttext_distort_v2": {},
    "fasttext_words_v1": {"wordNgrams": 2, "minCount": 5},
    # Trigram tokens only: no word n-grams, so no hash buckets; trigrams seen fewer than 5 times dropped.
    "fasttext_chars_v1": {"wordNgrams": 1, "bucket": 0, "minCount": 5, "epoch": 4},
}


def training_lines(rows: list[dict], name: str, seed: int) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Shuffled ``__label__human|synthetic <tokens>`` lines of ``rows`` and the row counts by data set and label."""
    featurize = registry.factory(name).featurize
    counts: dict[str, Counter] = {}
    lines = []
    for row in rows:
        counts.setdefault(row["dataset"], Counter())[row["label"]] += 1
        target = "human" if row["label"] == "human" else "synthetic"
        # Single spaces: ``words`` leaves runs for fastText to split; the file (and its hash on the card) stays
        # what it was when the runs were collapsed at featurization.
        tokens = " ".join(filter(None, featurize(row["text"]).split(" ")))
        lines.append(f"__label__{target} {tokens}\n")
    # fastText decays its learning rate along the file: an unshuffled file would learn the last data set best.
    random.Random(seed).shuffle(lines)
    return lines, {dataset: dict(sorted(c.items())) for dataset, c in sorted(counts.items())}


def train_fasttext(
    rows: list[dict],
    name: str,
    out_path: Path,
    seed: int,
    languages: list[str] | None = None,
    thread: int = 1,
    params: dict | None = None,
) -> Path:
    """Trains detector ``name`` on ``rows`` and writes ``out_path`` (``.ftz``) and its card (``.json``).

    Args:
        rows: labelled rows; ``mixed`` rows train as synthetic.
        name: a fastText detector's name (its featurization and ``RECIPES`` entry).
        out_path: the model to write.
        seed: shuffling and fastText seed; with ``thread=1`` the model is byte-identical across runs.
        languages: the languages the card declares (None: it declares none).
        thread: fastText threads (more is faster, not reproducible byte for byte).
        params: fastText hyperparameters over the detector's recipe (tests train tiny models).
    """
    params = {**fasttext_fit.DEFAULTS, **RECIPES[name], **(params or {}), "thread": thread}
    detector = registry.factory(name)
    out_path = Path(out_path)
    with tempfile.TemporaryDirectory(prefix="synthsieve-fasttext-") as tmp:
        train_file = Path(tmp) / "train.txt"
        lines, counts = training_lines(rows, name, seed)
        train_file.write_text("".join(lines), encoding="utf-8")
        data_sha256 = hashlib.sha256(train_file.read_bytes()).hexdigest()
        _fit(train_file, out_path, params, seed)
    card = {
        "name": name,
        "version": detector.version,
        "synthsieve": __version__,
        "params": params,
        "seed": seed,
        "featurization": f"{detector.featurize.__module__}, first {detector.reads_chars} characters",
        "mixed": "mixed rows trained as synthetic",
        "training_data": {"sha256_of_training_file": data_sha256, "rows": counts},
        "fasttext": f"fasttext-numpy2 {version('fasttext-numpy2')}",
        "model_sha256": hashlib.sha256(out_path.read_bytes()).hexdigest(),
    }
    if languages is not None:
        card["languages"] = sorted(languages)
    out_path.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return out_path


def _fit(train_file: Path, out_path: Path, params: dict, seed: int) -> None:
    """Runs ``fasttext_fit`` in a fresh interpreter; raises RuntimeError with its stderr when it fails."""
    flags = [f"--{name}={params[name]}" for name in fasttext_fit.DEFAULTS]
    cmd = [sys.executable, "-m", "synthsieve_training.fasttext_fit", f"--input={train_file}", f"--output={out_path}"]
    done = subprocess.run([*cmd, f"--seed={seed}", *flags], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"fastText training failed (exit {done.returncode}):\n{done.stderr.strip()}")
