"""Figures of the registry analytics, rendered to PNG or SVG bytes.

* ``survival_plot``: Kaplan-Meier survival or cumulative incidence curves by group, as step
  functions with the 95 % band where known, censoring ticks, n per group in the legend and a
  numbers-at-risk table under the plot, as journals print them;
* ``pain_response_plot``: complete + partial pain response by regimen and month, from the
  document of :func:`osseous.analytics.pain.pain_response_rates`;
* ``quality_trend_plot``: one small panel per quality indicator across the years.

Only ``matplotlib.figure.Figure`` objects are used, never ``pyplot``: pyplot keeps a global
list of figures and a current one, which is unsafe inside a threaded web server. The style is
pinned (matplotlib's defaults plus the settings below) so a site's ``matplotlibrc`` cannot
change the output, and the same input gives byte-identical output: SVG ids are hashed with a
fixed salt and no date is written; PNG carries no timestamp. Text stays text in SVG
(``svg.fonttype: none``) so it can be searched and is accessible. Colours are the Okabe-Ito
palette, which stays distinguishable with the common colour-vision deficiencies (Okabe and Ito
2008).
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from itertools import pairwise
from typing import Any, Final, Literal

from matplotlib import style as mpl_style
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MultipleLocator, PercentFormatter

from osseous.analytics.estimators import DAYS_PER_MONTH, Step

Format = Literal["png", "svg"]
FORMATS: Final = ("png", "svg")
DPI: Final = 150

# Okabe-Ito, without yellow (too pale on white) and black first (kept for the last resort)
PALETTE: Final = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

REGIMEN_ORDER: Final = ("single-fraction", "multiple-fractions", "sbrt")
REGIMEN_LABELS: Final = {"single-fraction": "Single fraction",
                         "multiple-fractions": "Multiple fractions", "sbrt": "SBRT"}

_RC: Final[dict[str, Any]] = {
    "svg.hashsalt": "osseous",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 8,
    "legend.frameon": False,
}
# rcParams are process-global: one figure at a time may hold them, or another thread leaving
# its rc_context could restore the defaults (and a random SVG salt) in the middle of ours.
_RC_LOCK = threading.Lock()


def _check_fmt(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"fmt: must be one of {', '.join(FORMATS)} (given: {fmt!r})")


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)  # Agg explicitly, whatever backend the process selected
    return fig


def _render(fig: Figure, fmt: Format, title: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "svg":
        metadata: dict[str, Any] = {"Date": None, "Title": title}
    else:
        # PNG gets no date from matplotlib; the version string goes so output depends on data
        metadata = {"Software": None, "Title": title}
    fig.savefig(buf, format=fmt, metadata=metadata, dpi=DPI)
    return buf.getvalue()


def _pinned_style() -> AbstractContextManager[None]:
    # "default" resets whatever the site's matplotlibrc changed; _RC is then applied on top
    return mpl_style.context(["default", _RC])


def _unclip(container: ErrorbarContainer) -> None:
    # values lie in [0, 1] = the y limits: unclipped, a point or cap at 0 % or 100 % shows whole
    for artist in container.get_children():
        artist.set_clip_on(False)


def _no_data(fig: Figure, title: str) -> None:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, "no data", ha="center", va="center", fontsize=14, color="0.4",
            transform=ax.transAxes)


# --- survival -----------------------------------------------------------------------------------

def number_at_risk(steps: Sequence[Step], month: float) -> int:
    """Patients still at risk at ``month``: at_risk of the first step at or after it, else 0."""
    day = month * DAYS_PER_MONTH
    return next((s.at_risk for s in steps if s.time >= day), 0)


def at_risk_table(groups: Mapping[str, Sequence[Step]],
                  months: Sequence[float]) -> dict[str, list[int]]:
    """Numbers at risk of each group at each month, as printed under :func:`survival_plot`."""
    return {name: [number_at_risk(steps, m) for m in months] for name, steps in groups.items()}


def _staircase(steps: Sequence[Step], start: float) -> tuple[list[float], list[float]]:
    xs = [0.0] + [s.time / DAYS_PER_MONTH for s in steps]
    ys = [start] + [s.estimate for s in steps]
    return xs, ys


def _band(ax: Axes, steps: Sequence[Step], start: float, colour: str) -> None:
    # each step's interval holds from its time to the next one; built as explicit segments so
    # a step without bounds leaves a gap instead of stretching its neighbour's band over it
    xs: list[float] = [0.0, steps[0].time / DAYS_PER_MONTH]
    lo: list[float] = [start, start]
    hi: list[float] = [start, start]
    known: list[bool] = [True, True]
    for this, nxt in pairwise(steps):
        ok = this.lower is not None and this.upper is not None
        xs += [this.time / DAYS_PER_MONTH, nxt.time / DAYS_PER_MONTH]
        lo += [this.lower if this.lower is not None else math.nan] * 2
        hi += [this.upper if this.upper is not None else math.nan] * 2
        known += [ok, ok]
    ax.fill_between(xs, lo, hi, where=known, color=colour, alpha=0.18, linewidth=0,
                    interpolate=False)


def survival_plot(groups: Mapping[str, Sequence[Step]], *, title: str,
                  ylabel: str = "Survival", cumulative: bool = False,
                  at_risk_months: Sequence[float] = (0, 6, 12, 18, 24, 36),
                  fmt: Format = "png") -> bytes:
    """Kaplan-Meier (or, with ``cumulative``, cumulative incidence) curves by group.

    ``groups`` maps a label to the steps of :func:`osseous.analytics.estimators.kaplan_meier`
    or :func:`~osseous.analytics.estimators.aalen_johansen`. The x axis is in months and ends
    at the last of ``at_risk_months`` (curves running longer are cut there, as in print).
    """
    _check_fmt(fmt)
    months = sorted(at_risk_months)
    nonempty = {name: steps for name, steps in groups.items() if steps}
    with _RC_LOCK, _pinned_style():
        if not nonempty:
            fig = _figure(7.5, 4.5)
            _no_data(fig, title)
            return _render(fig, fmt, title)
        rows = len(groups)
        table_height = 0.45 + 0.2 * rows if months else 0.0
        fig = _figure(7.5, 4.6 + table_height)
        if months:
            ax, tab = fig.subplots(2, 1, sharex=True,
                                   height_ratios=[4.6, table_height])
        else:
            ax, tab = fig.subplots(), None
        start = 0.0 if cumulative else 1.0
        last = max(s.time for steps in nonempty.values() for s in steps) / DAYS_PER_MONTH
        for i, (name, steps) in enumerate(groups.items()):
            colour = PALETTE[i % len(PALETTE)]
            n = steps[0].at_risk if steps else 0
            if not steps:
                ax.plot([], [], color=colour, label=f"{name} (n={n})")
                continue
            xs, ys = _staircase(steps, start)
            _band(ax, steps, start, colour)
            ax.step(xs, ys, where="post", color=colour, linewidth=1.6, label=f"{name} (n={n})")
            if not cumulative:
                ticks = [(s.time / DAYS_PER_MONTH, s.estimate) for s in steps if s.censored]
                if ticks:
                    cx, cy = zip(*ticks, strict=True)
                    ax.plot(cx, cy, linestyle="none", marker="|", markersize=6,
                            markeredgewidth=1.1, color=colour)
        ax.set_xlim(0, months[-1] if months and months[-1] > 0 else last or 1.0)
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left")
        ax.grid(axis="y", color="0.9", linewidth=0.6)
        # KM curves fall from the top left, incidence curves rise to the top right: the legend
        # goes in the corner the curves leave free, outside the band of the first months
        ax.legend(loc="upper right" if not cumulative else "upper left",
                  title="95 % band shaded" if any(
                      s.lower is not None for st in nonempty.values() for s in st) else None,
                  title_fontsize=7, alignment="left")
        if tab is None:
            ax.set_xlabel("Months")
        else:
            ax.set_xticks(months)
            ax.tick_params(axis="x", labelbottom=True)
            ax.set_xlabel("Months")
            _at_risk_axes(tab, groups, months)
        return _render(fig, fmt, title)


def _at_risk_axes(tab: Axes, groups: Mapping[str, Sequence[Step]],
                  months: Sequence[float]) -> None:
    table = at_risk_table(groups, months)
    rows = len(table)
    for i, counts in enumerate(table.values()):
        y = rows - 1 - i
        for m, k in zip(months, counts, strict=True):
            tab.text(m, y, str(k), ha="center", va="center", fontsize=8,
                     color=PALETTE[i % len(PALETTE)], clip_on=False)
    tab.set_ylim(-0.6, rows - 0.4)
    tab.set_yticks(range(rows), [name for name in reversed(table)], fontsize=8)
    for i, label in enumerate(reversed(tab.get_yticklabels())):
        label.set_color(PALETTE[i % len(PALETTE)])
    # the counts at month 0 are centred on the left edge: pad the names clear of them
    tab.tick_params(axis="y", length=0, pad=16)
    tab.tick_params(axis="x", length=0, labelbottom=False)
    for spine in tab.spines.values():
        spine.set_visible(False)
    tab.set_title("Number at risk", loc="left", fontsize=8, fontweight="bold")


# --- pain response ------------------------------------------------------------------------------

def _regimen_key(name: str) -> tuple[int, str]:
    return (REGIMEN_ORDER.index(name) if name in REGIMEN_ORDER else len(REGIMEN_ORDER), name)


def _rate_of(row: Mapping[str, Any], key: str) -> float:
    cell = row.get(key) or {}
    rate = cell.get("rate")
    return float(rate) if rate is not None else 0.0


def pain_response_plot(doc: Mapping[str, Any], *,
                       title: str = "Pain response after palliative radiotherapy",
                       fmt: Format = "png") -> bytes:
    """Complete + partial response by month and regimen, with the overall 95 % interval."""
    _check_fmt(fmt)
    rows: list[Mapping[str, Any]] = list(doc.get("rows") or ())
    with _RC_LOCK, _pinned_style():
        if not rows:
            fig = _figure(7.5, 4.5)
            _no_data(fig, title)
            return _render(fig, fmt, title)
        fig = _figure(7.5, 4.8)
        ax = fig.subplots()
        month_list = sorted({int(r["months"]) for r in rows})
        regimens = sorted({str(r["regimen"]) for r in rows}, key=_regimen_key)
        cell = {(str(r["regimen"]), int(r["months"])): r for r in rows}
        width = 0.8 / len(regimens)
        for j, name in enumerate(regimens):
            colour = PALETTE[j % len(PALETTE)]
            for k, month in enumerate(month_list):
                x = k + (j - (len(regimens) - 1) / 2) * width
                row = cell.get((name, month))
                evaluable = int(row["evaluable"]) if row else 0
                if row:
                    complete, partial = _rate_of(row, "complete"), _rate_of(row, "partial")
                    ax.bar(x, complete, width * 0.92, color=colour, edgecolor=colour)
                    ax.bar(x, partial, width * 0.92, bottom=complete, color=colour, alpha=0.4,
                           edgecolor=colour, hatch="///", linewidth=0.6)
                    ci = (row.get("overall") or {}).get("ci95")
                    if ci is not None:
                        # the sum of two rounded rates can overshoot the interval by 1e-17
                        overall = complete + partial
                        _unclip(ax.errorbar(x, overall, yerr=[[max(0.0, overall - ci[0])],
                                                              [max(0.0, ci[1] - overall)]],
                                            color="0.15", capsize=3, linewidth=0.9))
                ax.annotate(f"n={evaluable}", (x, 0), xycoords=("data", "axes fraction"),
                            xytext=(0, -4), textcoords="offset points", ha="center", va="top",
                            fontsize=7.5, color="0.25")
        ax.set_xticks(range(len(month_list)), [f"Month {m}" for m in month_list])
        ax.tick_params(axis="x", length=0, pad=20)  # room for the n= line above the labels
        ax.set_xlim(-0.6, len(month_list) - 0.4)
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.yaxis.set_major_locator(MultipleLocator(0.2))
        ax.grid(axis="y", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_ylabel("Evaluable lesions responding")
        ax.set_title(title, loc="left")
        handles: list[Any] = [Patch(color=PALETTE[j % len(PALETTE)],
                                    label=REGIMEN_LABELS.get(name, name))
                              for j, name in enumerate(regimens)]
        handles += [Patch(facecolor="0.35", edgecolor="0.35", label="complete"),
                    Patch(facecolor="0.75", edgecolor="0.35", hatch="///", label="partial"),
                    Line2D([], [], color="0.15", marker="_", markersize=8,
                           label="overall, 95 % CI")]
        fig.legend(handles=handles, loc="outside right upper")
        return _render(fig, fmt, title)


# --- quality indicators -------------------------------------------------------------------------

def _better_note(better: object) -> str:
    if better == "higher":
        return "\u2191 higher is better"
    if better == "lower":
        return "\u2193 lower is better"
    return ""


def _indicator_panel(ax: Axes, ind: Mapping[str, Any], colour: str) -> None:
    heading = textwrap.fill(str(ind.get("description") or ind.get("id", "")), 58)
    note = _better_note(ind.get("better"))
    ax.set_title(f"{heading}\n{ind.get('id', '')}   {note}", loc="left", fontsize=8.5)
    years = sorted(ind.get("years") or (), key=lambda y: int(y["year"]))
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_locator(MultipleLocator(0.25))
    ax.grid(axis="y", color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    if not years:
        ax.set_xticks([])
        ax.text(0.5, 0.5, "no data", ha="center", va="center", color="0.4",
                transform=ax.transAxes)
        return
    xs = [int(y["year"]) for y in years]
    known = [(int(y["year"]), float(y["proportion"]), y.get("ci95")) for y in years
             if y.get("proportion") is not None]
    if known:
        kx = [k[0] for k in known]
        ky = [k[1] for k in known]
        ax.plot(kx, ky, color=colour, linewidth=0.8, alpha=0.5)
        lower = [max(0.0, p - ci[0]) if ci else 0.0 for _, p, ci in known]
        upper = [max(0.0, ci[1] - p) if ci else 0.0 for _, p, ci in known]
        bars = ax.errorbar(kx, ky, yerr=[lower, upper], fmt="o", color=colour, markersize=4.5,
                           capsize=3, linewidth=1.0)
        _unclip(bars)
    # the denominator under each year: a proportion means little without it
    ax.set_xticks(xs, [f"{y['year']}\nn={y.get('denominator', 0)}" for y in years],
                  fontsize=7.5)
    ax.set_xlim(xs[0] - 0.5, xs[-1] + 0.5)


def quality_trend_plot(indicators: Sequence[Mapping[str, Any]], *,
                       title: str = "Quality indicators by year",
                       fmt: Format = "png") -> bytes:
    """One panel per indicator: the yearly proportion with its 95 % interval and denominator."""
    _check_fmt(fmt)
    with _RC_LOCK, _pinned_style():
        if not indicators:
            fig = _figure(7.5, 4.5)
            _no_data(fig, title)
            return _render(fig, fmt, title)
        cols = 1 if len(indicators) == 1 else 2
        nrows = math.ceil(len(indicators) / cols)
        fig = _figure(4.2 * cols, 0.6 + 2.9 * nrows)
        axes = fig.subplots(nrows, cols, squeeze=False)
        for i, ax in enumerate(axes.flat):
            if i < len(indicators):
                _indicator_panel(ax, indicators[i], PALETTE[i % len(PALETTE)])
            else:
                ax.set_visible(False)
        fig.suptitle(title, x=0.02, ha="left", fontsize=11)
        return _render(fig, fmt, title)
