"""Small inline SVG charts: histograms with marker lines and line charts. No script, no font file, no network."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 18, 30  # RIGHT: half a "2024-03" tick label, centred on the last x


@dataclass(frozen=True)
class Marker:
    """A vertical line at ``x`` with a short label: a threshold on a histogram."""

    x: float
    label: str
    color: str
    dashed: bool = False


@dataclass(frozen=True)
class Series:
    """A named line of (x, y) points."""

    name: str
    color: str
    points: list[tuple[float, float]]


def histogram(counts: list[int], color: str, markers: list[Marker] = (), title: str = "") -> str:
    """Equal bins over [0, 1] as bars, with ``markers`` drawn over them."""
    top, width = max(counts, default=0) or 1, (WIDTH - LEFT - RIGHT) / max(len(counts), 1)
    parts = [_frame(title), *_y_axis(0, top, lambda v: _y(v, 0, top)), *_x_ticks([(v, f"{v:g}") for v in _QUARTERS])]
    for i, n in enumerate(counts):
        if n:
            y = _y(n, 0, top)
            parts.append(_rect(LEFT + i * width, y, max(width - 1, 1), HEIGHT - BOTTOM - y, color, f"{n}"))
    for m in markers:
        x = _x(m.x, 0, 1)
        dash = ' stroke-dasharray="3 2"' if m.dashed else ""
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="{m.color}"{dash}/>')
        if m.label:  # labels of lines in the right half go to their left
            right = m.x > 0.5
            parts.append(_text(x - 2 if right else x + 2, TOP + 9, m.label, m.color, "end" if right else "start"))
    return _svg(parts, title)


def line_chart(
    series: list[Series],
    x_labels: list[tuple[float, str]] = (),
    log: bool = False,
    zero: bool = False,
    y_label: str = "",
    title: str = "",
) -> str:
    """Lines with dots; ``log`` puts both axes on a log scale, ``zero`` starts the y axis at 0; ``x_labels`` name
    the x ticks (else numbers)."""
    pts = [p for s in series for p in s.points]
    if not pts:
        return _svg([_frame(title), _text(WIDTH / 2, HEIGHT / 2, "no data", "#666", "middle")], title)
    f = math.log10 if log else float
    xs, ys = [f(x) for x, _ in pts], [f(y) for _, y in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    y0 = min(y0, 0.0) if zero else y0
    ticks = [(f(x), label) for x, label in x_labels] or [(v, _num(10**v if log else v)) for v in _spread(x0, x1)]
    parts = [_frame(title), *_y_axis(y0, y1, lambda v: _y(v, y0, y1), log), *_x_ticks(ticks, x0, x1)]
    if y_label:
        parts.append(_text(4, TOP - 6, y_label, "#444", "start"))
    for s in series:
        xy = [(_x(f(x), x0, x1), _y(f(y), y0, y1)) for x, y in s.points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{s.color}" stroke-width="1.8"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{s.color}"/>' for x, y in xy]
    parts += _legend(series)
    return _svg(parts, title)


def intervals(points: list[tuple[float, float, float, float]], x_labels: list[tuple[float, str]], title="") -> str:
    """Shares over time: a dot at ``share`` and a whisker from ``lo`` to ``hi`` at each ``x`` (proportional), the dots
    joined by a line; the y axis is the share, 0 to 1."""
    if not points:
        return _svg([_frame(title), _text(WIDTH / 2, HEIGHT / 2, "no data", "#666", "middle")], title)
    xs = [x for x, *_ in points]
    x0, x1 = min(xs), max(xs)
    parts = [_frame(title), *_y_axis(0, 1, lambda v: _y(v, 0, 1)), *_x_ticks(x_labels, x0, x1)]
    xy = [(_x(x, x0, x1), _y(share, 0, 1)) for x, share, _, _ in points]
    parts.append(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in xy)}" fill="none" stroke="#c62828"/>')
    for (x, y), (_, share, lo, hi) in zip(xy, points):
        parts.append(_whisker(x, _y(lo, 0, 1), x, _y(hi, 0, 1), f"{share:.1%} ({lo:.1%}-{hi:.1%})"))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="#c62828"/>')
    return _svg(parts, title)


def interval_rows(rows: list[tuple[str, float, float, float]], title: str = "") -> str:
    """Shares of named groups, one row each: a dot at ``share`` and a whisker from ``lo`` to ``hi`` on a 0-1 axis."""
    row_h, left = 16, 150
    height = TOP + BOTTOM + row_h * max(len(rows), 1)
    x = lambda v: left + v * (WIDTH - left - RIGHT)  # noqa: E731 - the chart's own scale
    parts = [_text(WIDTH / 2, 11, title, "#222", "middle")] if title else []
    parts.append(f'<path d="M{left},{TOP} V{height - BOTTOM} H{WIDTH - RIGHT}" fill="none" stroke="#999"/>')
    parts += [_text(x(v), height - BOTTOM + 13, f"{v:.0%}", "#444", "middle") for v in _QUARTERS]
    for i, (name, share, lo, hi) in enumerate(rows):
        y = TOP + row_h * (i + 0.5)
        parts.append(_text(left - 6, y + 3, name if len(name) <= 24 else name[:23] + "…", "#333", "end"))
        parts.append(_whisker(x(lo), y, x(hi), y, f"{name}: {share:.1%} ({lo:.1%}-{hi:.1%})"))
        parts.append(f'<circle cx="{x(share):.1f}" cy="{y:.1f}" r="2.6" fill="#c62828"/>')
    return _svg(parts, title, height)


def _whisker(x0: float, y0: float, x1: float, y1: float, tip: str) -> str:
    return (
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="#e57373" stroke-width="2">'
        f"<title>{escape(tip)}</title></line>"
    )


_QUARTERS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _svg(parts: list[str], title: str, height: int = HEIGHT) -> str:
    label = f' aria-label="{escape(title)}"' if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img"{label} font-family="sans-serif" font-size="10">{"".join(parts)}</svg>'
    )


def _frame(title: str) -> str:
    axes = f"M{LEFT},{TOP} V{HEIGHT - BOTTOM} H{WIDTH - RIGHT}"
    return f'<path d="{axes}" fill="none" stroke="#999"/>' + (
        _text(WIDTH / 2, 11, title, "#222", "middle") if title else ""
    )


def _x(v: float, lo: float, hi: float) -> float:
    return LEFT + (v - lo) / ((hi - lo) or 1) * (WIDTH - LEFT - RIGHT)


def _y(v: float, lo: float, hi: float) -> float:
    return HEIGHT - BOTTOM - (v - lo) / ((hi - lo) or 1) * (HEIGHT - TOP - BOTTOM)


def _y_axis(lo: float, hi: float, y, log: bool = False) -> list[str]:
    return [_text(LEFT - 4, y(v) + 3, _num(10**v if log else v), "#444", "end") for v in (lo, (lo + hi) / 2, hi)]


def _x_ticks(ticks: list[tuple[float, str]], lo: float = 0.0, hi: float = 1.0) -> list[str]:
    step = max(1, math.ceil(len(ticks) / 8))  # at most 8 labels
    return [_text(_x(v, lo, hi), HEIGHT - BOTTOM + 13, label, "#444", "middle") for v, label in ticks[::step]]


def _spread(lo: float, hi: float) -> list[float]:
    return [lo + (hi - lo) * k / 4 for k in range(5)] if hi > lo else [lo]


def _legend(series: list[Series]) -> list[str]:
    out = []
    for i, s in enumerate(series):
        y = TOP + 4 + 12 * i
        out.append(f'<rect x="{LEFT + 8}" y="{y - 6}" width="10" height="3" fill="{s.color}"/>')
        out.append(_text(LEFT + 22, y, s.name, "#333", "start"))
    return out


def _rect(x: float, y: float, w: float, h: float, color: str, tip: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{color}"><title>{tip}</title></rect>'


def _text(x: float, y: float, text: str, color: str, anchor: str) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" fill="{color}" text-anchor="{anchor}">{escape(text)}</text>'


def _num(v: float) -> str:
    """Short tick label: 0.25, 12, 3.4k, 1.2M."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(v) >= size:
            return f"{v / size:.3g}{suffix}"
    return f"{v:.3g}"
