"""The report's headline figures as rich tables in a terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from synthsieve.report.build import MEASURES
from synthsieve.schemas.records import LABELS


def print_summary(report: dict[str, Any], console: Console) -> None:
    """Labels and shares, diversity against the known-human text (flags in red), dead letters, skipped records and
    the trend."""
    run = report["run"]
    console.print(f"[bold]Corpus health[/bold] of {run['folder']}: {run['documents_read']} records read")
    console.print(_labels(report["labels"]))
    console.print(_diversity(report["diversity"]))
    if report["dead_letter"]:
        console.print(_simple("Dead letters", ["reason", "records"], report["dead_letter"].items()))
    if report["skipped"]:
        console.print(_simple("Skipped records", ["reason", "records"], report["skipped"].items()))
    console.print(_trend(report["trend"]))
    if rows := _share_rows(report["synthetic_share"]):
        columns = ["source", "month", "scored", "share", "95% interval", "floor"]
        console.print(_simple("Synthetic share", columns, rows))
    flags = report["flags"]
    console.print(f"[{'bold red' if flags else 'green'}]{len(flags)} diversity flag(s)[/]")


def _labels(labels: dict[str, Any]) -> Table:
    rows = [(k, f"{v['documents']:,}", _pct(v["share"])) for k, v in labels.items()]
    return _simple("Labels", ["output", "records", "share"], rows)


def _diversity(div: dict[str, Any]) -> Table:
    compared = div["known_human"] is not None
    title = f"Diversity against {div['known_human']['name']}" if compared else "Diversity (no known-human text)"
    table = Table(title=title)
    table.add_column("measure")
    for label in LABELS:
        table.add_column(label, justify="right")
    for key, (name, _) in MEASURES.items():
        table.add_row(name, *(_cell(div["partitions"][label]["measures"][key], compared) for label in LABELS))
    table.add_row("words compared", *(f"{div['partitions'][label]['words']:,}" for label in LABELS))
    return table


def _cell(m: dict[str, Any], compared: bool) -> str:
    value = "—" if m["value"] is None else f"{m['value']:.4g}"
    if not compared or m["change"] is None:
        return value
    change = f"{100 * m['change']:+.1f}%"
    return f"{value} [bold red]{change}[/]" if m["flagged"] else f"{value} [dim]{change}[/]"


def _trend(trend: dict[str, Any]) -> Table:
    rows = [
        (p["run"], p["month"], f"{p['documents']:,}", _pct(p["synthetic_share"]),
         f"{p['measures']['distinct_2']:.4f}" if p["measures"] else "—")
        for p in trend["points"]
    ]  # fmt: skip
    cols = ["run", "crawl month", "documents", "synthetic", f"human distinct-2 ({trend['words']:,} words)"]
    return _simple("Trend", cols, rows)


def _share_rows(share: dict[str, Any]) -> list[tuple[str, ...]]:
    rows = [share["corpus"], *share["sources"], *share["months"]] if share["corpus"] else []
    return [
        (
            r.get("source") or "(all)",
            r.get("month") or "(all)",
            f"{r['scored']:,}",
            _pct(r["share"]),
            f"{_pct(r['share_lo'])}-{_pct(r['share_hi'])}",
            _pct(r["share_floor"]),
        )
        for r in rows
    ]


def _simple(title: str, columns: list[str], rows) -> Table:
    table = Table(title=title)
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*(str(v) for v in row))
    return table


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"
