"""Training and leave-one-dataset-out (LODO) evaluation of the fastText style detector.

``synthsieve train --data dev.jsonl.gz --out detectors/models`` trains the packaged model on all labeled data
(``train_all``); ``python -m synthsieve.detectors.training --params '{"wordNgrams": 4}'`` prints the LODO table of
``DEFAULT_PARAMS`` with overrides.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import numpy as np

from synthsieve import __version__
from synthsieve.detectors import fasttext_fit
from synthsieve.detectors.fasttext_char import FastTextCharV1
from synthsieve.detectors.metrics import auroc, expected_calibration_error, tpr_at_fpr
from synthsieve.detectors.textdistort import MAX_CHARS, distort

DATA_PATH = Path(__file__).resolve().parents[2] / "shared/data/labeled/dev.jsonl.gz"
# Featurization and data choices; every other key is a fastText hyperparameter (see fasttext_fit.DEFAULTS).
DEFAULT_PARAMS: dict = {"llm_words": True, "mixed": "synthetic", **fasttext_fit.DEFAULTS}
# A data set without human texts is tested against the humans of a similar set, held out along with it.
HUMAN_PARTNERS = {"argugpt": "outfox"}


def load_labeled(path: Path | str = DATA_PATH) -> list[dict]:
    """Reads a labeled ``.jsonl.gz`` file (fields ``text``, ``label``, ``dataset``, ...) into a list of dicts."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _target(row: dict, mixed: str) -> str | None:
    """Training label of a row: ``human`` or ``synthetic``; ``mixed`` rows become synthetic or are dropped."""
    if row["label"] != "mixed":
        return row["label"]
    if mixed not in ("synthetic", "drop"):
        raise ValueError(f"params['mixed'] must be 'synthetic' or 'drop', not {mixed!r}")
    return "synthetic" if mixed == "synthetic" else None


def write_training_file(rows: list[dict], path: Path, params: dict, seed: int) -> dict[str, dict[str, int]]:
    """Writes distorted, shuffled ``__label__`` lines for fastText.

    Returns:
        Row counts used, by dataset and source label (``mixed`` rows appear only when trained as synthetic).
    """
    counts: dict[str, Counter] = {}
    lines = []
    for row in rows:
        target = _target(row, params["mixed"])
        if target is not None:
            counts.setdefault(row["dataset"], Counter())[row["label"]] += 1
            lines.append(f"__label__{target} {distort(row['text'], params['llm_words'])}\n")
    # fastText decays its learning rate along the file: an unshuffled file would learn the last data set best.
    random.Random(seed).shuffle(lines)
    path.write_text("".join(lines), encoding="utf-8")
    return {dataset: dict(sorted(c.items())) for dataset, c in sorted(counts.items())}


def _fit(train_file: Path, out_path: Path, params: dict, seed: int) -> None:
    """Runs ``fasttext_fit`` in a fresh interpreter; raises RuntimeError with its stderr when it fails."""
    flags = [f"--{name}={params[name]}" for name in fasttext_fit.DEFAULTS]
    cmd = [sys.executable, "-m", "synthsieve.detectors.fasttext_fit", f"--input={train_file}", f"--output={out_path}"]
    done = subprocess.run([*cmd, f"--seed={seed}", *flags], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"fastText training failed (exit {done.returncode}):\n{done.stderr.strip()}")


def train_fasttext(rows: list[dict], out_path: Path, params: dict, seed: int) -> Path:
    """Trains a quantized fastText model on distorted ``rows`` and writes it with a JSON sidecar.

    Args:
        rows: labeled rows (``text``, ``label``, ``dataset``).
        out_path: the ``.ftz`` to write; the sidecar goes to the same path with suffix ``.json``.
        params: ``DEFAULT_PARAMS`` keys; missing keys take the defaults.
        seed: shuffling and fastText seed; with ``thread=1`` the model is byte-identical across runs.

    Returns:
        ``out_path``.
    """
    params = {**DEFAULT_PARAMS, **params}
    out_path = Path(out_path)
    with tempfile.TemporaryDirectory(prefix="synthsieve-fasttext-") as tmp:
        train_file = Path(tmp) / "train.txt"
        counts = write_training_file(rows, train_file, params, seed)
        data_sha256 = hashlib.sha256(train_file.read_bytes()).hexdigest()
        _fit(train_file, out_path, params, seed)
    sidecar = {
        "name": out_path.stem,
        "version": FastTextCharV1.version,
        "synthsieve": __version__,
        "params": params,
        "seed": seed,
        "featurization": f"textdistort.distort, first {MAX_CHARS} characters",
        "mixed": f"mixed rows {'trained as synthetic' if params['mixed'] == 'synthetic' else 'dropped'}",
        "training_data": {"sha256_of_training_file": data_sha256, "rows": counts},
        "fasttext": f"fasttext-numpy2 {version('fasttext-numpy2')}",
        "model_sha256": hashlib.sha256(out_path.read_bytes()).hexdigest(),
    }
    out_path.with_suffix(".json").write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    return out_path


def _scores(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """AUROC, TPR at 1% and 5% FPR and ECE of synthetic (1) versus human (0) scores."""
    return {
        "auroc": auroc(y, p),
        "tpr@1%fpr": tpr_at_fpr(y, p, 0.01),
        "tpr@5%fpr": tpr_at_fpr(y, p, 0.05),
        "ece": expected_calibration_error(y, p),
    }


def evaluate(model_path: Path, rows: list[dict]) -> dict:
    """Scores ``rows`` with a trained model: human vs. synthetic, and human vs. mixed where there are mixed rows."""
    p = FastTextCharV1(str(model_path)).score([row["text"] for row in rows])["p"]
    labels = np.array([row["label"] for row in rows])
    human, synthetic, mixed = (labels == name for name in ("human", "synthetic", "mixed"))
    result = {"n_human": int(human.sum()), "n_synthetic": int(synthetic.sum()), "n_mixed": int(mixed.sum())}
    result |= _scores(synthetic[human | synthetic], p[human | synthetic])
    if mixed.any():
        result |= {f"mixed_{k}": v for k, v in _scores(mixed[human | mixed], p[human | mixed]).items()}
    return result


def lodo(rows: list[dict], params: dict, seed: int) -> list[dict]:
    """Leave-one-dataset-out: per data set, trains on all the others and evaluates on it.

    A data set without humans (argugpt) is tested against the humans of ``HUMAN_PARTNERS[dataset]``, and that
    partner set is left out of training too.

    Returns:
        One dict per left-out data set: ``dataset``, ``humans_from``, ``n_train``, the ``evaluate`` fields.
    """
    results = []
    for dataset in sorted({row["dataset"] for row in rows}):
        partner = HUMAN_PARTNERS.get(dataset, dataset)
        held_out = {dataset, partner}
        train = [row for row in rows if row["dataset"] not in held_out]
        test = [r for r in rows if r["dataset"] == dataset or (r["dataset"] == partner and r["label"] == "human")]
        with tempfile.TemporaryDirectory(prefix="synthsieve-lodo-") as tmp:
            model_path = train_fasttext(train, Path(tmp) / "model.ftz", params, seed)
            scores = evaluate(model_path, test)
        results.append({"dataset": dataset, "humans_from": partner, "n_train": len(train), **scores})
    return results


def markdown_table(results: list[dict]) -> str:
    """Formats LODO results as a markdown table with a worst/mean AUROC line."""
    columns = ["left out", "humans from", "n_human", "n_synth", "AUROC", "TPR@1%FPR", "TPR@5%FPR", "ECE"]
    columns += ["mixed AUROC", "mixed TPR@5%FPR"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in results:
        mixed = f"{r['mixed_auroc']:.3f} | {r['mixed_tpr@5%fpr']:.3f}" if r["n_mixed"] else "– | –"
        lines.append(
            f"| {r['dataset']} | {r['humans_from']} | {r['n_human']} | {r['n_synthetic']} | {r['auroc']:.3f} | "
            f"{r['tpr@1%fpr']:.3f} | {r['tpr@5%fpr']:.3f} | {r['ece']:.3f} | {mixed} |"
        )
    aurocs = [r["auroc"] for r in results]
    lines.append(f"\nworst AUROC {min(aurocs):.3f}, mean AUROC {np.mean(aurocs):.3f}")
    return "\n".join(lines)


def train_all(data: Path, out_dir: Path, seed: int) -> list[Path]:
    """Trains every packaged model (``fasttext_char_v1``, ``style_v1``) on the labeled ``data`` into ``out_dir``."""
    from synthsieve.detectors.style_training import train_style  # imported here: style_training imports this module

    rows = load_labeled(data)
    fasttext = train_fasttext(rows, out_dir / f"{FastTextCharV1.name}.ftz", DEFAULT_PARAMS, seed)
    return [fasttext, train_style(rows, out_dir / "style_v1.json", seed)]


def main(argv: list[str] | None = None) -> None:
    """CLI: prints (and optionally saves) the LODO table of ``DEFAULT_PARAMS`` updated by ``--params``."""
    parser = argparse.ArgumentParser(description="Leave-one-dataset-out evaluation of the fasttext_char detector.")
    parser.add_argument("--data", type=Path, default=DATA_PATH, help="labeled .jsonl.gz")
    parser.add_argument("--params", type=json.loads, default={}, help="JSON overrides of DEFAULT_PARAMS")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, help="a JSON file for the per-fold results")
    args = parser.parse_args(argv)
    results = lodo(load_labeled(args.data), args.params, args.seed)
    print(f"params: {json.dumps({**DEFAULT_PARAMS, **args.params})}\n{markdown_table(results)}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
