"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched."""

from __future__ import annotations

from html import escape
from typing import Any

from synthsieve.report import svg
from synthsieve.report.build import MEASURES
from synthsieve.report.output_folder import NONE_KEY
from synthsieve.report.trend import month_number, month_ticks
from synthsieve.schemas.records import LABELS

COLORS = {
    "human": "#2e7d32",
    "synthetic": "#c62828",
    "uncertain": "#e0a100",
    "dead_letter": "#757575",
    "skipped": "#bdbdbd",
    "deduplicated": "#5c6bc0",
    "known_human": "#1565c0",
}
#: What a ``(none)`` row of a breakdown holds.
NO_DOMAIN = f"{NONE_KEY}: documents without a URL, or whose host has no registered domain (such as localhost)."
NO_CRAWL_DATE = f"{NONE_KEY}: documents without a crawl date."
RUN_COLORS = ("#1565c0", "#6a1b9a", "#00838f", "#ef6c00", "#558b2f", "#ad1457", "#4e342e", "#37474f")
SECTIONS = (
    "summary",
    "labels",
    "scores",
    "diversity",
    "domains",
    "languages",
    "eras",
    "crawl-months",
    "dead-letters",
    "skipped",
    "duplicates",
    "trend",
    "synthetic-share",
    "method",
)

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;color:#222;margin:0 auto;max-width:1200px;padding:16px 24px}
h1{font-size:22px;margin:4px 0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.muted{color:#666}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px}.grid{display:flex;gap:16px;flex-wrap:wrap}
table{border-collapse:collapse;margin:4px 0}td,th{padding:3px 9px;border-bottom:1px solid #eee;text-align:right}
th{background:#f6f6f6}td:first-child,th:first-child,table.text td{text-align:left}.flag{color:#c62828;font-weight:bold}
.bar{display:flex;height:14px;width:100%;min-width:260px;border-radius:3px;overflow:hidden}
.cell{display:inline-block;height:10px;background:#c62828;vertical-align:middle}
"""


def render(report: dict[str, Any]) -> str:
    """The whole page."""
    run = report["run"]
    body = [
        f"<h1>Corpus health: {escape(run['folder'])}</h1>",
        f'<p class="muted">synthsieve {escape(str(run["pipeline_version"]))}, {run["inputs"]} input file(s), '
        f"{_int(run['documents_read'])} records read, accounting "
        f"{'balanced' if run['balanced'] else 'NOT balanced'}</p>",
        _summary(report),
        _labels(report["labels"]),
        _scores(report["p_synthetic"]),
        _diversity(report["diversity"], report["settings"]),
        _breakdown("domains", "Top domains", report["breakdowns"]["domain"], NO_DOMAIN),
        _breakdown("languages", "Languages", report["breakdowns"]["lang"]),
        _breakdown("eras", "Eras (before / after public LLMs, by best date)", report["breakdowns"]["era"]),
        _breakdown("crawl-months", "Crawl months", report["breakdowns"]["crawl_month"], NO_CRAWL_DATE),
        _section("dead-letters", "Dead letters", _table(["reason", "records"], report["dead_letter"].items())),
        _section("skipped", "Skipped records", _table(["reason", "records"], report["skipped"].items())),
        _duplicates(report["near_duplicates"]),
        _trend(report["trend"]),
        _synthetic_share(report["synthetic_share"]),
        _method(report["settings"]),
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>synthsieve corpus health</title>'
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )


def _section(anchor: str, title: str, *content: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{"".join(content)}</section>'


def _summary(report: dict[str, Any]) -> str:
    labels, flags = report["labels"], report["flags"]
    cards = [(_int(report["run"]["documents_read"]), "records read")]
    outputs = (*LABELS, "dead_letter", "skipped", "deduplicated")
    cards += [(_pct(labels[k]["share"]), k.replace("_", " ")) for k in outputs]
    cards.append((str(len(flags)), "diversity flags"))
    html = "".join(f'<div class="card"><b>{escape(v)}</b>{escape(k)}</div>' for v, k in cards)
    listed = "".join(
        f"<li>{escape(f['partition'])}: {escape(MEASURES[f['measure']][0])} {_change(f['change'])} "
        "against the known-human text</li>"
        for f in flags
    )
    return _section(
        "summary",
        "Summary",
        f'<div class="cards">{html}</div>',
        _share_bar(labels),
        f'<ul class="flag">{listed}</ul>' if listed else "",
    )


def _share_bar(labels: dict[str, Any]) -> str:
    spans = "".join(
        f'<span title="{k}" style="width:{100 * (v["share"] or 0):.2f}%;background:{COLORS[k]}"></span>'
        for k, v in labels.items()
    )
    return f'<div class="bar">{spans}</div>'


def _labels(labels: dict[str, Any]) -> str:
    rows = [(k, _int(v["documents"]), _pct(v["share"])) for k, v in labels.items()]
    return _section("labels", "Labels", _table(["output", "records", "share of records read"], rows))


def _scores(scores: dict[str, Any]) -> str:
    t, calibrated = scores["thresholds"], scores["calibrated"]
    markers = [
        svg.Marker(t["human"], f"human ≤ {t['human']:.3f}", COLORS["human"]),
        svg.Marker(t["synthetic"], f"synthetic ≥ {t['synthetic']:.3f}", COLORS["synthetic"]),
    ]
    markers += [svg.Marker(c["synthetic"], "", "#555", dashed=True) for c in calibrated]
    charts = "".join(
        svg.histogram(scores["counts"][label], COLORS[label], markers, f"label={label}") for label in LABELS
    )
    note = (
        f"{len(calibrated)} calibrated source(s); their synthetic thresholds are dashed: "
        + ", ".join(f"{c['source']} {c['synthetic']:.3f} (n={c['known_human']})" for c in calibrated)
        if calibrated
        else "No source was calibrated: every document was judged by the global thresholds."
    )
    return _section(
        "scores",
        "p_synthetic per label",
        f'<div class="grid">{charts}</div>',
        _muted(note),
        _muted(_not_scored(scores["not_scored"])),
    )


def _not_scored(counts: dict[str, int]) -> str:
    """What the histograms leave out: the documents no detector scored (their reasons say why)."""
    listed = ", ".join(f"label={k} {_int(n)}" for k, n in counts.items() if n) or "none"
    return (
        "Documents without p_synthetic, not in the histograms (no detector scored them: too short, a language no "
        f"detector declares, code, tables...; their reasons say why): {listed}."
    )


def _diversity(div: dict[str, Any], settings: dict[str, Any]) -> str:
    known = div["known_human"]
    intro = (
        f"Known-human text: {escape(known['name'])}, {_int(known['documents'])} documents"
        + (f" ({_int(known['sample_documents'])} sampled)" if known["sampled"] else "")
        + f". Changes beyond ±{settings['max_change']:.0%} are flagged."
        if known
        else "No known-human text given (--known-human): measures without comparison."
    )
    tables = "".join(_partition_table(label, part, known is not None) for label, part in div["partitions"].items())
    series = [
        svg.Series(label, COLORS[label], list(zip(p["growth"]["words"], p["growth"]["types"])))
        for label, p in div["partitions"].items()
        if p["growth"]["words"]
    ]
    if known:
        points = list(zip(known["growth"]["words"], known["growth"]["types"]))
        series.append(svg.Series("known-human", COLORS["known_human"], points))
    growth = svg.line_chart(series, log=True, y_label="distinct words", title="type-token growth (log-log)")
    title = "Diversity against the known-human text"
    return _section("diversity", title, f"<p>{intro}</p>", f'<div class="grid">{tables}</div>', growth)


def _partition_table(label: str, part: dict[str, Any], compared: bool) -> str:
    sample = f", first {_int(part['sample_documents'])} by content hash" if part["sampled"] else ""
    head = (
        f"<p><b>label={escape(label)}</b>: {_int(part['documents'])} documents{sample}; text measures on "
        f"{_int(part['words'])} words{' of each' if compared else ''}</p>"
    )
    rows = []
    for key, m in part["measures"].items():
        cls = ' class="flag"' if m["flagged"] else ""
        row = [escape(MEASURES[key][0]), _num(m["value"])]
        row += [_num(m["known_human"]), f"<span{cls}>{_change(m['change'])}</span>"] if compared else []
        rows.append(row)
    cols = ["measure", "value", "known-human", "change"] if compared else ["measure", "value"]
    return f"<div>{head}{_table(cols, rows, raw=True)}</div>"


def _breakdown(anchor: str, title: str, rows: list[dict[str, Any]], none_means: str = "") -> str:
    """A table of documents per value and label; ``none_means`` explains a ``(none)`` row when there is one."""
    body = []
    for r in rows:
        judged = r["total"] or 1
        bar = f'<span class="cell" style="width:{80 * r["synthetic"] / judged:.1f}px"></span> '
        body.append(
            [escape(r["key"]), *(_int(r[k]) for k in LABELS), _int(r["total"]), bar + _pct(r["synthetic"] / judged)]
        )
    table = _table(["value", *LABELS, "documents", "synthetic share"], body, raw=True)
    has_none = any(r["key"] == NONE_KEY for r in rows)
    return _section(anchor, title, table, _muted(none_means) if has_none and none_means else "")


def _duplicates(near: dict[str, Any]) -> str:
    rows = [
        (k.replace("_", " "), _int(near.get(k)))
        for k in ("clusters", "duplicates", "removed", "known_synthetic_matches")
    ]
    rows += [(f"removed from label={k}", _int(v)) for k, v in near.get("removed_by_label", {}).items()]
    note = (
        "Duplicates are the non-canonical members of near-duplicate clusters; removed ones were left out by --dedup."
    )
    return _section("duplicates", "Near-duplicates", _table(["", "documents"], rows), f'<p class="muted">{note}</p>')


def _trend(trend: dict[str, Any]) -> str:
    cols = [
        "run",
        "crawl month",
        "documents",
        "synthetic",
        "human",
        "human words",
        "distinct-2",
        "entropy",
        "tail mass",
    ]
    rows = [
        [
            escape(p["run"]),
            escape(p["month"]),
            _int(p["documents"]),
            _pct(p["synthetic_share"]),
            _pct(p["human_share"]),
            _int(p["human_words"]),
            *_trend_measures(p["measures"]),
        ]
        for p in trend["points"]
    ]
    note = (
        f"Human diversity per month on its first {_int(trend['words'])} words (by content hash); months with fewer "
        "have none. Documents without a crawl date are listed as (none) and not plotted."
    )
    if len({p["month"] for p in trend["points"]} - {NONE_KEY}) < 2:
        note += " Fewer than two crawl months so far: a trend needs runs that cover several."
    charts = f'<div class="grid">{_trend_charts(trend)}</div>'
    return _section(
        "trend", "Trend by crawl month", charts, _table(cols, rows, raw=True), f'<p class="muted">{note}</p>'
    )


def _trend_measures(measures: dict[str, float] | None) -> list[str]:
    return [_num(measures[k]) if measures else "—" for k in ("distinct_2", "unigram_entropy", "tail_mass")]


def _trend_charts(trend: dict[str, Any]) -> str:
    """Synthetic share and human distinct-2 per crawl month, one line per run (and the known-human distinct-2); the
    x axis is proportional to time, so months without documents leave gaps."""
    points = [p for p in trend["points"] if p["month"] != NONE_KEY]
    months = sorted({p["month"] for p in points})
    x = {m: float(month_number(m)) for m in months}
    share, distinct = [], []
    for i, run in enumerate(trend["runs"]):
        mine, color = [p for p in points if p["run"] == run], RUN_COLORS[i % len(RUN_COLORS)]
        share.append(svg.Series(run, color, [(x[p["month"]], p["synthetic_share"]) for p in mine]))
        values = [(x[p["month"]], p["measures"]["distinct_2"]) for p in mine if p["measures"]]
        distinct.append(svg.Series(run, color, values))
    if trend["known_human"] and months:
        flat = [(x[m], trend["known_human"]["distinct_2"]) for m in months]
        distinct.append(svg.Series("known-human", COLORS["known_human"], flat))
    ticks = month_ticks(month_number(months[0]), month_number(months[-1])) if months else []
    words = _int(trend["words"])
    return svg.line_chart(
        share, ticks, zero=True, y_label="synthetic share", title="synthetic share by crawl month"
    ) + svg.line_chart(distinct, ticks, y_label="distinct-2", title=f"human distinct-2 on {words} words")


SHARE_NOTE = (
    "How to read it: the share is the estimated fraction of scored documents that are machine-written, from the "
    "distribution of their scores against a human and a synthetic reference (not a count of labels, which would be "
    "biased by the uncertain ones); the whisker is its 95% interval. The floor is the smallest share that cannot "
    "come from the source's own known-human documents, shown only where the run had them. References: known = "
    "this run's --known-human / --known-synthetic documents of the source, shipped = the global distributions of "
    "the labelled training sets (less exact for unseen writers: docs/SHARE.md)."
)


def _synthetic_share(share: dict[str, Any]) -> str:
    corpus = share["corpus"]
    if corpus is None:
        return _section("synthetic-share", "Synthetic share", _muted("No synthetic share in this output."))
    rows = [r for r in share["sources"] if r["share"] is not None]
    chart = svg.interval_rows([(r["source"], r["share"], r["share_lo"], r["share_hi"]) for r in rows], "per source")
    months = [r for r in share["months"] if r["share"] is not None]
    points = sorted((float(month_number(r["month"])), r["share"], r["share_lo"], r["share_hi"]) for r in months)
    first, last = (min(int(x) for x, *_ in points), max(int(x) for x, *_ in points)) if points else (0, 0)
    trend = svg.intervals(points, month_ticks(first, last), "per crawl month")
    cols = ["source", "month", "documents", "scored", "share", "95% interval", "floor", "references"]
    table = [
        [
            r.get("source") or "(all)",
            r.get("month") or "(all)",
            _int(r["documents"]),
            _int(r["scored"]),
            _pct(r["share"]),
            f"{_pct(r['share_lo'])} – {_pct(r['share_hi'])}",
            _pct(r["share_floor"]),
            r["method"].split("; ", 1)[-1],
        ]
        for r in [corpus, *share["sources"], *share["months"]]
    ]
    headline = (
        f"<p><b>{_pct(corpus['share'])}</b> of the {_int(corpus['scored'])} scored documents are machine-written "
        f"(95% interval {_pct(corpus['share_lo'])} – {_pct(corpus['share_hi'])}).</p>"
    )
    return _section(
        "synthetic-share",
        "Synthetic share",
        headline,
        f'<div class="grid">{chart}{trend}</div>',
        _table(cols, table),
        _muted(SHARE_NOTE),
    )


def _method(settings: dict[str, Any]) -> str:
    rows = [(name, what) for name, what in MEASURES.values()]
    note = (
        f"Text measures are taken on at most {_int(settings['max_docs'])} documents per partition (the first by "
        "content hash, so the same documents every time) and compared with the known-human text on the same number "
        "of words, since distinct-n, entropy and tail mass fall as text grows. Words: NFKC, lowercase, runs of "
        "letters and digits. Near-duplicate rate and mean length cover every document of an output folder; for "
        "known-human files the near-duplicate rate is computed on the sample with the run's MinHash settings. "
        "Change = (value - known-human) / known-human."
    )
    return _section("method", "Method", _table(["measure", "definition"], rows, text=True), _muted(note))


def _muted(text: str) -> str:
    return f'<p class="muted">{escape(text)}</p>'


def _table(columns: list[str], rows, raw: bool = False, text: bool = False) -> str:
    """A table of ``rows``; cells are escaped unless ``raw``; ``text`` aligns every column left."""
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    cell = (lambda v: str(v)) if raw else (lambda v: escape(str(v)))
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    opening = '<table class="text">' if text else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _int(v) -> str:
    return "—" if v is None else f"{v:,}"


def _pct(v) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"


def _num(v) -> str:
    return "—" if v is None else f"{v:,.1f}" if abs(v) >= 100 else f"{v:.4f}" if abs(v) < 1 else f"{v:.3f}"


def _change(v) -> str:
    return "—" if v is None else f"{'+' if v >= 0 else '−'}{abs(100 * v):.1f}%"
