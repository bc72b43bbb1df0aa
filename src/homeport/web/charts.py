"""Charts as inline SVG, rendered on the server: no chart library, no JavaScript. Each chart has
a title and description for screen readers; pages put the numbers in a table beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 220, 56, 28, 12
COLOURS = ("#0b5cad", "#c2410c", "#15803d", "#7c3aed", "#b42318", "#0f766e")


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    values: Sequence[float | None]


def line_chart(chart_id: str, title: str, times: Sequence[float], lines: Sequence[Line],
               unit: str = "") -> Markup:
    """Lines over time, y from 0 to the largest value; gaps where a value is None."""
    top = max((v for line in lines for v in line.values if v is not None), default=0.0) or 1.0
    n = max(len(times), 1)
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(i: int) -> float:
        return PAD_LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return PAD_TOP + plot_h * (1 - v / top)

    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" '
             f'aria-labelledby="{chart_id}-t {chart_id}-d">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">{escape(_describe(lines, unit))}</desc>',
             f'<line x1="{PAD_LEFT}" y1="{y(0):.1f}" x2="{WIDTH - 8}" y2="{y(0):.1f}" '
             'class="axis"/>',
             f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 10}" text-anchor="end">'
             f'{escape(_number(top))}</text>',
             f'<text x="{PAD_LEFT - 6}" y="{y(0):.1f}" text-anchor="end">0</text>']
    if times:
        parts.append(f'<text x="{PAD_LEFT}" y="{HEIGHT - 8}">{_when(times[0])}</text>')
        parts.append(f'<text x="{WIDTH - 8}" y="{HEIGHT - 8}" text-anchor="end">'
                     f'{_when(times[-1])}</text>')
    for k, line in enumerate(lines):
        colour = COLOURS[k % len(COLOURS)]
        for run in _runs(line.values):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            if len(run) == 1:
                i, v = run[0]
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>')
            else:
                parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                             'stroke-width="2"/>')
    parts.append("</svg>")
    legend = "".join(f'<li><span class="swatch" style="background:{COLOURS[k % len(COLOURS)]}">'
                     f'</span>{escape(line.name)}</li>' for k, line in enumerate(lines))
    return Markup(f'<figure class="chart-box">{"".join(parts)}'
                  f'<figcaption>{escape(title)}<ul class="legend">{legend}</ul></figcaption>'
                  "</figure>")


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Consecutive non-empty points."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((i, float(v)))
    return [r for r in runs if r]


def _describe(lines: Sequence[Line], unit: str) -> str:
    parts = []
    for line in lines:
        vals = [v for v in line.values if v is not None]
        if vals:
            parts.append(f"{line.name}: total {_number(sum(vals))}{unit}, peak "
                         f"{_number(max(vals))}{unit}")
    return "; ".join(parts) or "no data"


def _number(v: float) -> str:
    if v >= 100 or v == int(v):
        return f"{v:,.0f}"
    return f"{v:.4g}"


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%m-%d %H:%M")
