"""Training of ``lm_v2``: a logistic combiner over SmolLM2's statistics, a linear probe of its hidden state and the
first stage's out-of-fold log-odds, judged by leaving one data set or one generator family out.

The LM costs about 0.2 s per text on a CPU core, so it is fitted on a stratified sample (``per_group`` texts of
every data set, label and generator family, humans twice as many). Statistics are computed once through the
pipeline's own ``LanguageModel`` and cached by text id. The first stage's log-odds of every sampled text come from
the leave-one-out run (``lodo.evaluate``), so the combiner learns how much to trust the first stage where it has
never seen the source; it is fitted on the texts the stage will see, those the first stage leaves between its
thresholds.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from synthsieve import __version__
from synthsieve.detectors.lm import LMV2, LanguageModel, calibrated, evidence, zscores
from synthsieve.detectors.lm_stats import FEATURES
from synthsieve.detectors.metrics import auroc
from synthsieve.detectors.stacker import logit
from synthsieve_training.data import HUMAN_PARTNERS, Columns, family_folds
from synthsieve_training.linear import CLIP, balanced_weights, fit_logistic, human_scale, rounded

CALIBRATION_TARGETS = (0.10, 0.01)  # out of fold, at most these shares of the band's synthetic texts labelled
# human and of its humans labelled synthetic
SCOPES = ("uncertain", "not_synthetic")  # the lm.scope values with a combiner of their own (``all`` uses the wider)
RECIPE = {"per_group": 150, "human_factor": 2, "seed": 7, "max_tokens": 128, "l2": 3.0, "languages": ["en"]}


def sample(cols: Columns, per_group: int, human_factor: int, seed: int) -> np.ndarray:
    """Indices of a stratified sample: at most ``per_group`` rows of every (data set, label, family), humans
    ``human_factor`` times as many; in a seeded random order."""
    rng = np.random.default_rng(seed)
    keys = np.array([f"{d}|{lab}|{f}" for d, lab, f in zip(cols.dataset, cols.label, cols.family)])
    chosen = []
    for key in sorted(set(keys)):
        index = np.flatnonzero(keys == key)
        cap = per_group * (human_factor if key.split("|")[1] == "human" else 1)
        chosen.extend(rng.choice(index, cap, replace=False) if len(index) > cap else index)
    return rng.permutation(np.array(sorted(chosen)))


def cached_statistics(rows: list[dict], index: np.ndarray, cache: Path, lm: LanguageModel) -> dict[str, np.ndarray]:
    """LM statistics and hidden means of ``rows[index]``, computed for the ids ``cache`` (an ``.npz``) lacks."""
    ids = np.array([rows[i]["id"] for i in index])
    have = dict(np.load(cache, allow_pickle=False)) if cache.is_file() else {}
    known = {i: k for k, i in enumerate(have.get("ids", []))}
    todo = [j for j, i in enumerate(ids) if i not in known]
    if todo:
        stats, hidden, _ = lm.statistics([rows[index[j]]["text"] for j in todo])
        have = {
            "ids": np.concatenate([have.get("ids", np.zeros(0, "U1")), ids[todo]]),
            "stats": np.concatenate([have.get("stats", np.zeros((0, stats.shape[1]), np.float32)), stats]),
            "hidden": np.concatenate([have.get("hidden", np.zeros((0, hidden.shape[1]), np.float32)), hidden]),
        }
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, **have)
        known = {i: k for k, i in enumerate(have["ids"])}
    at = np.array([known[i] for i in ids])
    return {"stats": have["stats"][at].astype(np.float64), "hidden": have["hidden"][at].astype(np.float64)}


def _block(X: np.ndarray, human: np.ndarray, w: np.ndarray) -> dict:
    mean, std = human_scale(X, human, w)
    return {"mean": mean.tolist(), "std": std.tolist(), "clip": CLIP}


def fit(stats: np.ndarray, hidden: np.ndarray, first: np.ndarray | None, y: np.ndarray, groups: np.ndarray, l2: float):
    """The combiner of ``LMV2``: z-scores against the known-human rows, one weighted L2 logistic regression over
    [statistics, hidden state, first-stage log-odds] (without ``first``: the LM alone, its weight 0). The first
    stage's weight is not shrunk along with the LM's 593 inputs. Returns the card's ``model``."""
    w = balanced_weights(groups, y)
    human = y == 0
    blocks = {"statistics": _block(stats, human, w), "hidden": _block(hidden, human, w)}
    inputs = [zscores(blocks["statistics"], stats), zscores(blocks["hidden"], hidden)]
    free = 0 if first is None else 1
    beta = fit_logistic(np.hstack([*inputs, *([first[:, None]] if free else [])]), y, w, l2, free=free)
    k, h = stats.shape[1], hidden.shape[1]
    blocks["statistics"]["weights"] = beta[1 : 1 + k].tolist()
    blocks["hidden"]["weights"] = beta[1 + k : 1 + k + h].tolist()
    first_weight = float(beta[-1]) if free else 0.0
    return {"bias": float(beta[0]), "first_stage_weight": first_weight, **blocks, "features": list(FEATURES)}


def lodo(
    cols: Columns,
    index: np.ndarray,
    data: dict,
    p: np.ndarray,
    band: tuple[float, float],
    l2: float,
    languages: list[str],
    family_p: dict[str, np.ndarray] | None = None,
    scope: tuple[float, float] | None = None,
    fnr: float = CALIBRATION_TARGETS[0],
) -> tuple[dict, dict]:
    """Leave one data set out (and one generator family, given ``family_p``) over the sample ``index``, as the
    pipeline runs the stage: the combiner is fitted on the training folds' texts whose first-stage ``p`` lies inside
    the ``scope`` (default: the uncertain ``band``), re-scores the test fold's texts inside it and is calibrated
    onto the decision scale (``calibration``) by the other folds' out-of-fold scores; the others keep the first
    stage's score.

    Args:
        cols: every labelled row's fields; ``index`` the sampled rows, ``data`` their statistics and hidden states.
        p: the sampled rows' first-stage P(synthetic) from their data set's fold.
        band: the first stage's (human, synthetic) thresholds.
        l2: the combiner's L2 penalty; ``languages`` the languages the stage judges.
        family_p: per generator family, the sampled rows' P(synthetic) from that family's fold (NaN outside its test
            set): the test rows' first-stage input in the family folds.
        scope: the (low, high) first-stage ``p`` the stage re-scores (``SCOPES``), strictly between.
        fnr: the share of the scope's synthetic texts the calibration may label human (``scope_fnr``).

    Returns:
        The table ``{"dataset": {name: row}, "family": {name: row}}`` (a row: the AUROC of the first stage, of the
        final score with the LM alone, i.e. without first-stage input, and with the combiner, over the fold's texts
        in ``languages`` and inside the band only; and what the stage decides there) and the calibration fitted on
        every data-set fold's out-of-fold scores.
    """
    datasets, gold, groups = cols.dataset[index], cols.label[index], cols.group[index]
    in_langs = np.isin(cols.lang[index], languages)
    scope = scope or band
    first, inside = logit(p), _inside(p, scope)
    fit_on = in_langs & inside
    folds = []  # kind, name, test rows, first-stage log-odds and band of the fold, combiner log-odds, LM alone
    for dataset in sorted(set(datasets)):
        partner = HUMAN_PARTNERS.get(dataset, dataset)
        test = (datasets == dataset) | ((datasets == partner) & (gold == "human"))
        train = ~np.isin(datasets, [dataset, partner]) & ~np.isin(groups, list(set(groups[test])))
        scores = _scores(data, gold, datasets, first, train & fit_on, l2)
        folds.append(("dataset", dataset, test & in_langs, first, inside, *scores))
    for fold in family_folds(cols) if family_p else ():
        fp = family_p[fold.name]
        test = np.isin(index, fold.test) & ~np.isnan(fp)
        fold_first, fold_inside = np.where(test, logit(fp), first), np.where(test, _inside(fp, scope), inside)
        scores = _scores(data, gold, datasets, fold_first, np.isin(index, fold.train) & fit_on, l2)
        folds.append(("family", fold.name, test & in_langs, fold_first, fold_inside, *scores))
    own = np.full(len(index), np.nan)  # each band row's out-of-fold combiner log-odds, from its data set's fold
    for kind, name, test, _, fold_inside, z, _ in folds:
        mine = test & fold_inside & (datasets == name) if kind == "dataset" else np.zeros(len(index), bool)
        own[mine] = z[mine]
    out: dict[str, dict] = {"dataset": {}, "family": {}}
    family = cols.family[index]
    for kind, name, test, fold_first, fold_inside, z, lm_alone in folds:
        if kind == "dataset":
            held = np.isin(datasets, [name, HUMAN_PARTNERS.get(name, name)])
        else:
            held = test | ((family == name) & (gold != "human"))
        others = ~np.isnan(own) & ~held
        calibration = fit_calibration(own[others], gold[others], band, fnr)
        with_lm = np.where(fold_inside, calibrated(calibration, z), fold_first)
        row = _row(gold, test, fold_first, fold_inside, with_lm, np.where(fold_inside, lm_alone, fold_first), band)
        if row:
            out[kind][name] = row
    everything = ~np.isnan(own)
    return out, fit_calibration(own[everything], gold[everything], band, fnr)


def fit_calibration(z: np.ndarray, gold: np.ndarray, band: tuple[float, float], fnr: float) -> dict:
    """``calibrated``'s knots from out-of-fold combiner log-odds of the scope's texts: the score at or below which
    at most ``fnr`` of the synthetic texts fall goes to the human threshold, the score at or above which at most 1%
    of the humans rise to the synthetic one (classes that separate: both knots meet between them)."""
    fpr = CALIBRATION_TARGETS[1]
    syn, hum = np.sort(z[gold == "synthetic"]), np.sort(z[gold == "human"])
    s0 = syn[int(np.floor(fnr * len(syn)))] - 1e-6
    s1 = hum[len(hum) - 1 - int(np.floor(fpr * len(hum)))] + 1e-6
    if s0 >= s1 - 1e-3:
        s0 = s1 = (s0 + s1) / 2
        s0, s1 = s0 - 5e-4, s1 + 5e-4
    return {"scores": [float(s0), float(s1)], "targets": [float(logit(band[0])), float(logit(band[1]))]}


def scope_fnr(scope: str, p: np.ndarray, gold: np.ndarray, band: tuple[float, float]) -> float:
    """The share of a scope's synthetic texts its calibration may label human. The band's texts were uncertain:
    ``CALIBRATION_TARGETS``' 10% of them. ``not_synthetic`` re-decides every text below the synthetic threshold,
    so it gets the first stage's own budget, 10% of all judged synthetic texts (``p``: their first-stage scores):
    10% over the share of them below that threshold."""
    if scope == "uncertain":
        return CALIBRATION_TARGETS[0]
    judged = ~np.isnan(p) & (gold == "synthetic")
    return min(0.5, CALIBRATION_TARGETS[0] / max(float(np.mean(p[judged] < band[1])), 1e-9))


def scope_range(scope: str, band: tuple[float, float]) -> tuple[float, float]:
    """The first-stage ``p`` range a scope (``lm.scope``) re-scores, strictly between: the uncertain band, or
    everything the first stage does not label synthetic."""
    return {"uncertain": band, "not_synthetic": (-np.inf, band[1])}[scope]


def _inside(p: np.ndarray, scope: tuple[float, float]) -> np.ndarray:
    """Rows the stage re-scores: first-stage ``p`` strictly inside ``scope`` (NaN: not judged)."""
    with np.errstate(invalid="ignore"):
        return (p > scope[0]) & (p < scope[1])


def _scores(data, gold, datasets, first, train, l2: float) -> tuple[np.ndarray, np.ndarray]:
    """Every sampled row's log-odds from a combiner fitted on ``train`` rows, and from one without the first stage's
    input (the LM alone)."""
    s, h, y = data["stats"], data["hidden"], (gold != "human").astype(float)
    both = fit(s[train], h[train], first[train], y[train], datasets[train], l2)
    alone = fit(s[train], h[train], None, y[train], datasets[train], l2)
    return evidence(both, s, h) + both["first_stage_weight"] * first, evidence(alone, s, h)


def _row(gold, test, first, inside, with_lm, lm_only, band: tuple[float, float]) -> dict | None:
    """One fold's row of ``lodo`` (None when its test rows lack humans or synthetic texts): AUROCs, and what the
    stage decides at the ``band`` thresholds among the band's texts (``decided``: no longer uncertain;
    ``hum→syn``, ``syn→syn``, ``syn→hum``: shares of its humans and synthetic texts so labelled)."""
    scored = test & np.isin(gold, ["human", "synthetic"])
    if len(set(gold[scored])) < 2:
        return None
    yy, in_band = gold[scored] == "synthetic", inside[scored]
    row = {"n": int(scored.sum()), "n_band": int(in_band.sum())}
    row |= {"first_stage": auroc(yy, first[scored]), "lm_alone": auroc(yy, lm_only[scored])}
    row |= {"with_lm": auroc(yy, with_lm[scored])}
    for key, z in (("queue_first", first), ("queue_with_lm", with_lm)):  # the fold's texts left for review
        p = 1.0 / (1.0 + np.exp(-z[scored]))
        row[key] = float(np.mean((p > band[0]) & (p < band[1])))
    if len(set(yy[in_band])) == 2:
        row |= {"band_first_stage": auroc(yy[in_band], first[scored][in_band])}
        row |= {"band_with_lm": auroc(yy[in_band], with_lm[scored][in_band])}
        p = 1.0 / (1.0 + np.exp(-with_lm[scored][in_band]))
        synthetic, human, is_syn = p >= band[1], p <= band[0], yy[in_band]
        row |= {"decided": float(np.mean(synthetic | human)), "hum→syn": float(np.mean(synthetic[~is_syn]))}
        row |= {"syn→syn": float(np.mean(synthetic[is_syn])), "syn→hum": float(np.mean(human[is_syn]))}
    return row


def train_lm(
    rows: list[dict],
    first_stage_p: np.ndarray,
    band: tuple[float, float],
    out_path: Path,
    cache: Path,
    lm_options: dict | None = None,
    family_p: dict[str, np.ndarray] | None = None,
) -> tuple[Path, dict]:
    """Fits ``lm_v2``, one combiner and calibration per scope (``SCOPES``), and writes its card; returns the card's
    path and the leave-one-out table of each scope.

    Args:
        rows: labelled rows of every data set.
        first_stage_p: each row's out-of-fold first-stage P(synthetic) (NaN where the first stage did not judge it).
        band: the first stage's (human, synthetic) thresholds: a scope's combiner is fitted on the texts it
            re-scores (``scope_range``) and calibrated onto them.
        out_path: the card to write (``lm_v2.json``).
        cache: the folder of the LM statistics by text id (``.npz``, one per model, dtype and length; reused).
        lm_options: ``LanguageModel`` options (``device``, ``threads``, ``dtype``, ``batch_size``).
        family_p: per generator family, each row's first-stage P(synthetic) from that family's leave-out fold (NaN
            outside its test set): adds the family folds to the leave-one-out table.
    """
    cols = Columns(rows)
    index = sample(cols, RECIPE["per_group"], RECIPE["human_factor"], RECIPE["seed"])
    index = index[~np.isnan(first_stage_p[index]) & np.isin(cols.lang[index], RECIPE["languages"])]
    lm = LanguageModel(max_tokens=RECIPE["max_tokens"], **(lm_options or {}))
    # Statistics depend on the model, its dtype and the tokens read: each combination has its own file.
    data = cached_statistics(
        rows, index, cache / f"lm_statistics-{Path(lm.name).stem}-{lm.dtype}-{lm.max_tokens}.npz", lm
    )
    p = first_stage_p[index]
    families = {name: fp[index] for name, fp in (family_p or {}).items()}
    y = (cols.label[index] != "human").astype(float)
    models, tables, fitted_rows = {}, {}, {}
    for scope in SCOPES:
        span = scope_range(scope, band)
        fnr = scope_fnr(scope, p, cols.label[index], band)
        tables[scope], calibration = lodo(
            cols, index, data, p, band, RECIPE["l2"], RECIPE["languages"], families, span, fnr
        )
        fitted = _inside(p, span) & np.isin(cols.lang[index], RECIPE["languages"])
        args = (
            data["stats"][fitted],
            data["hidden"][fitted],
            logit(p)[fitted],
            y[fitted],
            cols.dataset[index][fitted],
        )
        models[scope] = fit(*args, RECIPE["l2"]) | {"calibration": calibration}
        fitted_rows[scope] = int(fitted.sum())
    digest = hashlib.sha256("\n".join(rows[i]["id"] for i in index).encode()).hexdigest()
    card = {
        "name": LMV2.name,
        "version": LMV2.version,
        "synthsieve": __version__,
        "lm": f"{lm.name} ({lm.dtype} on {lm.device})",
        "max_tokens": RECIPE["max_tokens"],
        "languages": RECIPE["languages"],
        "recipe": RECIPE,
        "band": list(band),
        "training_data": {"sample": len(index), "fitted_per_scope": fitted_rows, "sha256_of_ids": digest},
        "lodo": tables,
        "models": models,
    }
    out_path = Path(out_path)
    out_path.write_text(json.dumps(rounded(card) | {"band": list(band)}) + "\n", encoding="utf-8")
    return out_path, tables
