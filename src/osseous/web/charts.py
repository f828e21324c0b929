"""Server-side SVG charts (no script, readable without colour): worst pain and oral morphine
equivalents of a treated lesion over time, with the radiotherapy date marked."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 48, 72, 16, 40
#: the least distance between two date labels on the time axis (a label is about 66 px wide)
LABEL_GAP = 72


def _x(day: date, start: date, span: int) -> float:
    return float(LEFT + (WIDTH - LEFT - RIGHT) * ((day - start).days / span))


def pain_chart(lesion: str, points: list[dict[str, Any]], treated_on: date | None) -> str:
    """``points``: dicts with ``date`` (ISO), ``worst_pain`` and ``omed`` (either may be None)."""
    dated = sorted((date.fromisoformat(p["date"]), p) for p in points)
    if not dated:
        return ""
    days = [d for d, _ in dated] + ([treated_on] if treated_on else [])
    start, end = min(days), max(days)
    span = max((end - start).days, 1)
    omeds = [p["omed"] for _, p in dated if p.get("omed") is not None]
    omed_max = float(max([*omeds, 1.0]))
    plot_h = HEIGHT - TOP - BOTTOM

    def y_pain(v: float) -> float:
        return TOP + plot_h * (1 - v / 10)

    def y_omed(v: float) -> float:
        return TOP + plot_h * (1 - v / omed_max)

    title = f"Worst pain and oral morphine equivalents at {lesion}"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-labelledby="t-{escape(lesion)}" class="chart">',
             f'<title id="t-{escape(lesion)}">{escape(title)}</title>',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
             'stroke="#333"/>',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#333"/>']
    for v in (0, 5, 10):
        parts.append(f'<text x="{LEFT - 6}" y="{y_pain(v) + 4:.1f}" text-anchor="end" '
                     f'font-size="11">{v}</text>')
    parts.append(f'<text x="12" y="{TOP + plot_h / 2:.0f}" font-size="11" '
                 f'transform="rotate(-90 12 {TOP + plot_h / 2:.0f})" text-anchor="middle">'
                 'worst pain (0-10), solid line</text>')
    parts.append(f'<line x1="{WIDTH - RIGHT}" y1="{TOP}" x2="{WIDTH - RIGHT}" '
                 f'y2="{TOP + plot_h}" stroke="#7a3e00"/>')
    for tick in (0.0, omed_max / 2.0, omed_max):  # the right axis: morphine equivalents
        parts.append(f'<text x="{WIDTH - RIGHT + 5}" y="{y_omed(tick) + 4:.1f}" '
                     f'font-size="11" fill="#7a3e00">{tick:g}</text>')
    parts.append(f'<text x="{WIDTH - 8}" y="{TOP + plot_h / 2:.0f}" font-size="11" '
                 f'transform="rotate(90 {WIDTH - 8} {TOP + plot_h / 2:.0f})" '
                 'text-anchor="middle">oral morphine equivalent, mg/day (dashed)</text>')
    if treated_on:
        x = _x(treated_on, start, span)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" '
                     'stroke="#555" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{x + 3:.1f}" y="{TOP + 10}" font-size="11">radiotherapy '
                     f'{treated_on.isoformat()}</text>')
    pain_pts = [(_x(d, start, span), y_pain(p["worst_pain"])) for d, p in dated
                if p.get("worst_pain") is not None]
    omed_pts = [(_x(d, start, span), y_omed(p["omed"])) for d, p in dated
                if p.get("omed") is not None]
    if len(pain_pts) > 1:
        parts.append('<polyline fill="none" stroke="#1f4e79" stroke-width="2" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in pain_pts) + '"/>')
    if len(omed_pts) > 1:
        parts.append('<polyline fill="none" stroke="#7a3e00" stroke-width="2" '
                     'stroke-dasharray="6 4" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in omed_pts) + '"/>')
    last_label = -1e9  # date labels at least LABEL_GAP apart, so they never overlap
    for (d, p), (x, y) in zip([(d, p) for d, p in dated if p.get("worst_pain") is not None],
                              pain_pts, strict=True):
        label = f"{d.isoformat()}: pain {p['worst_pain']:g}"
        if p.get("response"):
            label += f", {p['response']}"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1f4e79">'
                     f'<title>{escape(label)}</title></circle>')
        if p.get("response"):
            parts.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="10" '
                         f'text-anchor="middle">{escape(p["response"])}</text>')
        if x - last_label >= LABEL_GAP:
            parts.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" font-size="10" '
                         f'text-anchor="middle">{d.strftime("%d %b %Y")}</text>')
            last_label = x
    for x, y in omed_pts:
        parts.append(f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" '
                     'fill="#7a3e00"/>')
    parts.append("</svg>")
    return "".join(parts)
