"""Trains the packaged first-stage models: leave-one-out first (stacker weights, declared languages, thresholds and
the model card's tables), then every trainable detector on all rows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from synthsieve import __version__
from synthsieve.config import Config
from synthsieve.detectors.stacker import STACKER_PATH
from synthsieve_training.linear import rounded
from synthsieve_training.lm_train import train_lm
from synthsieve_training.lodo import TRAINERS, evaluate
from synthsieve_training.report import lm_markdown, markdown


def train_all(
    rows: list[dict],
    out_dir: Path,
    config: Config,
    seed: int,
    target_fpr: float,
    target_fnr: float,
    thread: int = 1,
) -> list[Path]:
    """Writes every trainable configured detector, the stacker card (``first_stage.json``) and the leave-one-out
    report (``first_stage_lodo.json`` and ``.md``) into ``out_dir``, and the out-of-fold scores the LM stage trains
    on into the cache (``cache_dir``); returns the paths written.

    ``thread`` fastText threads serve the leave-one-out folds, whose scores set the stacker, the languages and the
    thresholds: only ``thread=1`` repeats them exactly. The detectors' models always train on one thread, so the
    same data and seed give the same bytes.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    evaluated = evaluate(rows, config, seed, target_fpr, target_fnr, thread)
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    families = {f"{FAMILY_PREFIX}{name}": p for name, p in evaluated.family_oof.items()}
    np.savez(cache / OOF_FILE, ids=np.array([row["id"] for row in rows]), p=evaluated.oof, **families)
    written = []
    for name in config.detectors.enabled:
        if name in TRAINERS:
            trainer, file_name = TRAINERS[name]
            written.append(trainer(rows, name, out_dir / file_name, seed, evaluated.languages, 1))
    stacker, report = evaluated.stacker, evaluated.report
    card = {
        "name": "first_stage",
        "synthsieve": __version__,
        "what": "logistic model over the sum of the detectors' log-odds (one shared weight), fitted on "
        "leave-one-data-set-out predictions",
        "languages": sorted(evaluated.languages),
        "weights": dict(stacker.weights),
        "bias": stacker.bias,
        "thresholds": report["thresholds"],
        "lodo_summary": report["summary"],
        "seed": seed,
    }
    written.append(out_dir / STACKER_PATH.name)
    # Thresholds stay exact: they are the shortest decimals of the float32 edges the targets were counted at.
    written[-1].write_text(json.dumps(rounded(card) | {"thresholds": card["thresholds"]}, indent=2) + "\n", "utf-8")
    written.append(out_dir / "first_stage_lodo.json")
    written[-1].write_text(json.dumps(rounded(report), indent=2) + "\n", encoding="utf-8")
    written.append(out_dir / "first_stage_lodo.md")
    written[-1].write_text(markdown(report) + "\n", encoding="utf-8")
    return written


OOF_FILE = "first_stage_oof.npz"
FAMILY_PREFIX = "family_"  # the cache's key of a generator family's out-of-fold scores


def cache_dir() -> Path:
    """Where training keeps what is costly to recompute: ``$SYNTHSIEVE_CACHE/training`` (default under
    ``~/.cache/synthsieve``)."""
    return Path(os.environ.get("SYNTHSIEVE_CACHE") or Path.home() / ".cache" / "synthsieve") / "training"


def train_second_stage(rows: list[dict], out_dir: Path, lm_options: dict | None = None) -> list[Path]:
    """Fits ``lm_v2`` on the last first-stage run's out-of-fold scores of ``rows`` and the thresholds of the
    ``first_stage.json`` in ``out_dir``; writes its card and its leave-one-out table (``lm_v2_lodo.md``) there;
    returns both paths."""
    oof = cache_dir() / OOF_FILE
    if not oof.is_file():
        raise FileNotFoundError(f"{oof} is missing: train the first stage first (--stage first)")
    saved = np.load(oof)
    position = {row_id: k for k, row_id in enumerate(saved["ids"].tolist())}
    missing = sum(row["id"] not in position for row in rows)
    if missing:
        raise ValueError(f"{missing} rows have no out-of-fold score in {oof}: train the first stage on the same data")
    at = np.array([position[row["id"]] for row in rows])
    first = saved["p"][at]
    families = {k[len(FAMILY_PREFIX) :]: saved[k][at] for k in saved.files if k.startswith(FAMILY_PREFIX)}
    card = Path(out_dir) / STACKER_PATH.name
    if not card.is_file():
        raise FileNotFoundError(f"{card} is missing: train the first stage into the same folder first")
    t = json.loads(card.read_text(encoding="utf-8"))["thresholds"]
    band = (t["human_threshold"], t["synthetic_threshold"])
    path, tables = train_lm(rows, first, band, Path(out_dir) / "lm_v2.json", cache_dir(), lm_options, families)
    report = Path(out_dir) / "lm_v2_lodo.md"
    sections = [f"## lm.scope: {scope}\n\n{lm_markdown(table)}\n" for scope, table in tables.items()]
    report.write_text("\n".join(sections), encoding="utf-8")
    return [path, report]
