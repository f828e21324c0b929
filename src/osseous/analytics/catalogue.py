"""The analytics catalogue, defined once: every analysis and every plot with its title, the
tally it reads and the groupings it takes. The command line (``osseous cohort plot``,
``osseous cohort catalogue``), the API (``GET /analytics``, ``GET /analytics/catalogue``) and
the analytics page iterate it, so a plot has the same name, title and options everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:  # the analyses and matplotlib are imported when a plot is drawn: the
    # command line lists the plots without loading them
    from osseous.analytics.estimators import Step
    from osseous.analytics.tally import Tally

#: how the curves of a survival or event plot may be grouped
GROUPINGS: Final = ("primary", "agent", "schedule", "all")
#: what every plot of the synthetic cohort says of itself
SYNTHETIC_NOTE: Final = " (synthetic demonstration cohort, not patients)"
#: the analyses a whole report runs; the survival scores are optional (they are slower)
REPORT: Final = ("outcomes", "quality", "pain")
SCORES: Final = "prognosis"


@dataclass(frozen=True, slots=True)
class Plot:
    name: str
    title: str
    #: the analysis whose tally it draws
    analysis: str
    description: str
    groupings: tuple[str, ...] = ()
    #: the curve of :func:`osseous.analytics.outcomes.curves` (survival and event plots)
    curve: str | None = None
    #: drawn per survival score (``score`` names which)
    per_score: bool = False


PLOTS: Final = {p.name: p for p in (
    Plot("survival", "Survival from the first bone metastasis", "outcomes",
         "Kaplan-Meier survival with numbers at risk", GROUPINGS, curve="os"),
    Plot("survival-from-radiotherapy", "Survival from the first palliative radiotherapy",
         "outcomes", "Kaplan-Meier survival from the first palliative radiotherapy",
         ("primary", "all"), curve="rt-os"),
    Plot("sre", "First skeletal-related event (death competing)", "outcomes",
         "cumulative incidence of the first skeletal-related event, death competing",
         GROUPINGS, curve="sre"),
    Plot("survival-by-score", "Survival by {score} group", "prognosis",
         "Kaplan-Meier survival by the groups of one survival score", per_score=True),
    Plot("pain", "Pain response after palliative radiotherapy", "pain",
         "International Consensus pain response by time point"),
    Plot("quality", "Quality indicators by year", "quality",
         "each quality indicator's proportion by calendar year"),
)}


class PlotRequestError(ValueError):
    """A plot asked for with an option it does not take: ``field`` and what is allowed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def analyses(scores: bool = True) -> list[str]:
    """The analyses of a whole report, in order (with the survival scores unless not)."""
    return [*REPORT, *([SCORES] if scores else [])]


def describe() -> dict[str, Any]:
    """The catalogue as a document (for ``GET /analytics/catalogue`` and the CLI)."""
    from osseous.analytics import prognosis
    from osseous.analytics.engine import ANALYSES

    return {
        "analyses": [{"name": n, "description": a.description} for n, a in ANALYSES.items()],
        "plots": [{"name": p.name, "title": p.title.replace("{score}", "each score's"),
                   "analysis": p.analysis, "description": p.description,
                   "groupings": list(p.groupings),
                   "scores": list(prognosis.SCORE_DIRECTION) if p.per_score else []}
                  for p in PLOTS.values()],
        "formats": ["png", "svg"],
    }


def title(plot: Plot, score: str | None = None, synthetic: bool = False) -> str:
    return plot.title.format(score=score or "") + (SYNTHETIC_NOTE if synthetic else "")


def check(name: str, by: str | None, score: str | None) -> Plot:
    """The plot named, with its options checked (:class:`PlotRequestError` naming the one
    that is not allowed)."""
    from osseous.analytics import prognosis

    plot = PLOTS.get(name)
    if plot is None:
        raise PlotRequestError("plot", f"must be one of {', '.join(PLOTS)}")
    if plot.groupings and by is not None and by not in plot.groupings:
        raise PlotRequestError("by", f"{plot.title.lower()} is by "
                                     f"{' or '.join(plot.groupings)}")
    if plot.per_score and score not in prognosis.SCORE_DIRECTION:
        raise PlotRequestError("score", f"must be one of {', '.join(prognosis.SCORE_DIRECTION)}")
    return plot


def render(name: str, tallies: Mapping[str, Tally], *, fmt: Literal["png", "svg"],
           by: str | None = None, score: str | None = None, synthetic: bool = False,
           small_cell: int | None = None) -> bytes:
    """One plot of the catalogue as PNG or SVG. With ``small_cell`` (a reader who sees
    aggregates only), no curve or point rests on fewer than that many patients."""
    from osseous.analytics import disclosure, outcomes, plots, prognosis
    from osseous.analytics.engine import ANALYSES

    plot = check(name, by, score)
    tally = tallies[plot.analysis]
    heading = title(plot, score, synthetic)
    k = small_cell

    def safe(groups: dict[str, list[Step]]) -> dict[str, list[Step]]:
        return disclosure.curves(groups, k) if k else groups

    def safe_doc(doc: dict[str, Any]) -> dict[str, Any]:
        cleaned: dict[str, Any] = disclosure.strict(disclosure.suppress(doc, k)) if k else doc
        return cleaned

    if plot.curve is not None:
        sre = plot.curve == "sre"
        return plots.survival_plot(
            safe(outcomes.curves(tally, plot.curve, by or plot.groupings[0])), title=heading,
            ylabel="Cumulative incidence" if sre else "Survival", cumulative=sre, fmt=fmt)
    if plot.per_score:
        assert score is not None
        return plots.survival_plot(safe(prognosis.band_curves(tally, score)), title=heading,
                                   fmt=fmt)
    doc = safe_doc(ANALYSES[plot.analysis].finish(tally))
    if plot.name == "pain":
        return plots.pain_response_plot(doc, title=heading, fmt=fmt)
    # quality: the years that are known (undated items cannot be placed on the axis)
    dated = [{**i, "years": [y for y in i["years"] if y["year"] is not None]}
             for i in doc["indicators"]]
    return plots.quality_trend_plot(dated, title=heading, fmt=fmt)
