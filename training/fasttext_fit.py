"""Trains a fastText classifier on a ``__label__`` file and saves it quantized (``.ftz``).

Run it in a fresh process (``python -m synthsieve_training.fasttext_fit``): fastText training can end in
"Encountered NaN" once other native libraries ran in the same process. With ``--thread 1`` the same input and
``--seed`` give a byte-identical model.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# fastText's own names, so a params dict passes through as flags unchanged.
DEFAULTS: dict[str, int | float | str] = {
    "dim": 16,
    "bucket": 200_000,
    "wordNgrams": 3,
    "minn": 0,
    "maxn": 0,
    "minCount": 1,
    "epoch": 10,
    "lr": 0.2,
    "loss": "softmax",
    "thread": 1,
    "cutoff": 0,
    "dsub": 2,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parses ``--input``, ``--output``, ``--seed`` and one flag per fastText hyperparameter in ``DEFAULTS``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True, help="training file, one '__label__X text' a line")
    parser.add_argument("--output", type=Path, required=True, help="where to write the quantized .ftz model")
    parser.add_argument("--seed", type=int, default=0, help="fastText's random seed")
    for name, default in DEFAULTS.items():
        parser.add_argument(f"--{name}", type=type(default), default=default, help=f"fastText {name}")
    return parser.parse_args(argv)


def fit(args: argparse.Namespace) -> Path:
    """Trains on ``args.input``, quantizes (``cutoff`` > 0 keeps only that many largest-norm rows), saves the model."""
    import fasttext

    params = {name: getattr(args, name) for name in DEFAULTS if name not in ("cutoff", "dsub")}
    model = fasttext.train_supervised(input=str(args.input), seed=args.seed, verbose=0, **params)
    model.quantize(cutoff=args.cutoff, dsub=args.dsub, retrain=False, thread=args.thread, verbose=0)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    model.save_model(str(args.output))
    return args.output


if __name__ == "__main__":
    fit(parse_args())
