"""The leave-one-out report: per fold, per language, domain, attack and generator family, thresholds chosen out of
fold and the three-way confusion they give; and its markdown tables (the model card's)."""

from __future__ import annotations

import numpy as np

from synthsieve_training.evaluation import Predictions, group_masks, labelled, metrics, thresholds

GROUPINGS = ("lang", "domain", "attack", "family")


def build_report(
    folds: dict[tuple[str, str], Predictions],
    target_fpr: float,
    target_fnr: float,
    unrestricted: Predictions,
    language_evidence: dict,
) -> dict:
    """The report of labelled out-of-fold predictions.

    Args:
        folds: (kind, name) -> the fold's test-row predictions (kind ``dataset`` or ``family``).
        target_fpr: at most this share of pooled out-of-fold humans may be labelled synthetic.
        target_fnr: at most this share of pooled out-of-fold synthetic texts may be labelled human.
        unrestricted: pooled predictions before the first stage was limited to its declared languages.
        language_evidence: per language, the AUROC that declared it or not (``lodo.declared_languages``).
    """
    own = {
        name: pred.take(pred.column("dataset") == name) for (kind, name), pred in folds.items() if kind == "dataset"
    }
    pooled = Predictions.concat(list(own.values()))
    chosen = thresholds(pooled, target_fpr, target_fnr)
    syn, hum = chosen["synthetic_threshold"], chosen["human_threshold"]
    if syn is None or hum is None or hum >= syn:
        raise ValueError(f"no usable thresholds for fpr {target_fpr} / fnr {target_fnr}: {chosen}")
    fold_rows = []
    for (kind, name), pred in folds.items():
        row = {"kind": kind, "name": name, **metrics(labelled(pred, syn, hum))}
        fold_rows.append(row | {"own_thresholds": thresholds(pred, target_fpr, target_fnr)})
    decided = labelled(pooled, syn, hum)
    report = {
        "thresholds": {"target_fpr": target_fpr, "target_fnr": target_fnr, **chosen},
        "folds": fold_rows,
        "pooled": metrics(decided),
        "languages_evidence": language_evidence,
        "all_languages": _by(unrestricted, "lang"),
    }
    for key in GROUPINGS:
        report[f"by_{key}"] = _by(decided, key)
    return report | {"summary": summary(fold_rows, report["pooled"])}


MIN_JUDGED = 50


def _judged_enough(row: dict) -> bool:
    """Whether a fold's judged texts hold ``MIN_JUDGED`` humans and synthetic texts (``n_judged_*``)."""
    return min(row["n_judged_human"], row["n_judged_synthetic"]) >= MIN_JUDGED


def _by(pred: Predictions, key: str) -> dict[str, dict]:
    return {value: metrics(pred.take(mask)) for value, mask in group_masks(pred, key).items()}


def summary(fold_rows: list[dict], pooled: dict) -> dict:
    """Mean and worst AUROC over the data-set folds that judge ``MIN_JUDGED`` humans and synthetic texts or more
    (a fold in undeclared languages has next to none), the mean share of synthetic texts caught per fold, and the
    pooled false-positive rate and share of texts left uncertain."""
    rows = [r for r in fold_rows if r["kind"] == "dataset" and r["synthetic"] is not None and _judged_enough(r)]
    aurocs = {r["name"]: r["synthetic"]["auroc"] for r in rows}
    caught = [r["labelled_synthetic"]["synthetic"] for r in rows if r["labelled_synthetic"]["synthetic"] is not None]
    worst = min(aurocs, key=aurocs.get)
    return {
        "mean_auroc": float(np.mean(list(aurocs.values()))),
        "worst_auroc": aurocs[worst],
        "worst_fold": worst,
        "folds": sorted(aurocs),
        "mean_caught": float(np.mean(caught)),
        "fpr": pooled["fpr"],
        "uncertain_share": pooled["uncertain_share"],
    }


def _cell(value) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


_HEAD = (
    "| n_human | n_synth | n_mixed | not judged | AUROC | TPR@1% | mixed AUROC | hum→syn | syn→syn | syn→hum "
    "| mix→syn | uncertain |"
)


def _cells(m: dict) -> str:
    s, x = m["synthetic"] or {}, m["mixed"] or {}
    syn, hum = m["labelled_synthetic"], m["labelled_human"]
    cells = [m["n_human"], m["n_synthetic"], m["n_mixed"], m["n_not_judged"], s.get("auroc"), s.get("tpr@1%fpr")]
    cells += [x.get("auroc"), syn["human"], syn["synthetic"], hum["synthetic"], syn["mixed"], m["uncertain_share"]]
    return " | ".join(_cell(c) for c in cells) + " |"


def markdown(report: dict) -> str:
    """The report's tables in markdown: folds, pooled, languages, and per domain / attack / family."""
    t, s = report["thresholds"], report["summary"]
    lines = [
        f"Thresholds chosen out of fold (≤ {t['target_fpr']:.0%} of humans labelled synthetic, ≤ "
        f"{t['target_fnr']:.0%} of synthetic texts labelled human): synthetic ≥ {t['synthetic_threshold']}, "
        f"human ≤ {t['human_threshold']}. Declared languages: {', '.join(report['languages'])}.",
        "",
        f"Data-set folds that judge at least {MIN_JUDGED} humans and synthetic texts ({len(s['folds'])}): mean AUROC "
        f"**{s['mean_auroc']:.3f}**, worst **{s['worst_auroc']:.3f}** ({s['worst_fold']}); "
        f"synthetic caught per fold on average **{s['mean_caught']:.1%}**; pooled humans labelled synthetic "
        f"**{s['fpr']:.2%}**, texts left uncertain **{s['uncertain_share']:.1%}**.",
        "",
        "| fold | left out " + _HEAD,
        "|---|---" + "|---" * 12 + "|",
    ]
    lines += [f"| {r['kind']} | {r['name']} | " + _cells(r) for r in report["folds"]]
    lines += ["| pooled | data-set folds | " + _cells(report["pooled"]), ""]
    lines += ["| language | declared | AUROC (all languages judged) | by data set |", "|---|---|---|---|"]
    for lang, ev in report["languages_evidence"].items():
        per = ", ".join(f"{d} {a:.3f}" for d, a in ev["by_dataset"].items()) or "–"
        lines.append(f"| {lang} | {'yes' if ev['declared'] else 'no'} | {_cell(ev['auroc'])} | {per} |")
    if "detector_auroc" in report:
        names = sorted({n for per in report["detector_auroc"].values() for n in per})
        lines += ["", "| fold | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for fold, per in report["detector_auroc"].items():
            lines.append(f"| {fold} | " + " | ".join(_cell(per.get(n)) for n in names) + " |")
    for key in GROUPINGS:
        lines += ["", *group_table(key, report[f"by_{key}"])]
    return "\n".join(lines)


def group_table(key: str, groups: dict[str, dict]) -> list[str]:
    """A markdown table of ``metrics`` per value of ``key``."""
    return [f"| {key} " + _HEAD, "|---" + "|---" * 12 + "|"] + [f"| {v} | " + _cells(m) for v, m in groups.items()]


LM_COLUMNS = (
    "n",
    "n_band",
    "first_stage",
    "lm_alone",
    "with_lm",
    "band_first_stage",
    "band_with_lm",
    "decided",
    "hum→syn",
    "syn→syn",
    "syn→hum",
    "queue_first",
    "queue_with_lm",
)


def lm_markdown(table: dict) -> str:
    """``lm_train.lodo``'s table in markdown: one row per held-out data set and generator family, with the mean
    and worst fold of each AUROC column."""
    lines = ["| fold | left out | " + " | ".join(LM_COLUMNS) + " |", "|---|---" + "|---" * len(LM_COLUMNS) + "|"]
    for kind, rows in table.items():
        for name, row in rows.items():
            lines.append(f"| {kind} | {name} | " + " | ".join(_cell(row.get(c)) for c in LM_COLUMNS) + " |")
        for what, pick in (("mean", np.mean), ("worst", np.min)):
            cells = ["", ""] + [_cell(_over(rows, c, pick)) for c in LM_COLUMNS[2:]]
            lines.append(f"| {kind} | *{what}* | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _over(rows: dict, column: str, pick) -> float | None:
    values = [row[column] for row in rows.values() if row.get(column) is not None]
    return float(pick(values)) if values else None
