"""The analytics page: the service's own outcomes, quality and score performance.

Aggregates only, never one patient. The source is the registry (the current document of every
case) or, for demonstrations and training, a synthetic cohort that says so on every plot and
table. Plots are served as images from the same routes the page links (PNG or SVG).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from osseous.analytics import decisions as board
from osseous.analytics import disclosure, engine, outcomes, plots, prognosis
from osseous.analytics.estimators import Step
from osseous.analytics.synth import synthetic_cohort
from osseous.analytics.tally import Tally
from osseous.core.validation import parse_case
from osseous.registry import audit
from osseous.registry import repository as repo
from osseous.registry.policy import Action
from osseous.web.session import WebUser, current, database, settings_of

router = APIRouter(prefix="/app/analytics", include_in_schema=False)
NAMES: Final = ("outcomes", "quality", "pain", "prognosis")
SYNTHETIC_PATIENTS: Final = 2000
GROUPINGS: Final = ("primary", "agent", "schedule", "all")
MEDIA: Final = {"png": "image/png", "svg": "image/svg+xml"}


@lru_cache(maxsize=1)
def _synthetic() -> tuple[dict[str, Tally], Tally]:
    """The demonstration cohort, computed once per process (it never changes)."""
    cases = (parse_case(d).case for d in synthetic_cohort(SYNTHETIC_PATIENTS, seed=1))
    return engine.tally_cases(cases, NAMES), Tally()


def _registry(request: Request, user: WebUser) -> tuple[dict[str, Tally], Tally, int]:
    """The registry's tallies, recomputed only when a case or decision has changed since the
    last request; every read is audited, cached or not."""
    state = request.app.state
    with database(request).session() as s:
        mark = repo.registry_fingerprint(s)
        cached = getattr(state, "analytics_cache", None)
        if cached is not None and cached[0] == mark:
            audit.record(s, user.actor, "read", "cohort", None, None,
                         detail="aggregate analytics")
            hit: tuple[dict[str, Tally], Tally, int] = cached[1]
            return hit
        tallies, invalid = engine.tally_documents(repo.cohort_documents(s, user.actor), NAMES)
        decided = board.tally_decisions(repo.latest_decisions(s, user.actor))
    state.analytics_cache = (mark, (tallies, decided, invalid))
    return tallies, decided, invalid


def _data(request: Request, source: str) -> tuple[WebUser, dict[str, Tally], Tally, int]:
    user = current(request, Action.READ_ANALYTICS)
    if source == "synthetic":
        tallies, decided = _synthetic()
        return user, tallies, decided, 0
    if source != "registry":
        raise HTTPException(400, "source: must be registry or synthetic")
    return user, *_registry(request, user)


@router.get("")
def analytics(request: Request, source: str = "registry") -> HTMLResponse:
    from osseous.web.rendering import render

    user, tallies, decided, invalid = _data(request, source)
    docs: dict[str, Any] = engine.finish(tallies)
    if source == "registry":
        docs["decisions"] = board.finish(decided)  # counts only, never the free text
        k = _small_cell(request, user)
        if k:
            docs = disclosure.suppress(docs, k)
    return render(request, "analytics.html", {
        "source": source, "synthetic_patients": SYNTHETIC_PATIENTS, "invalid": invalid,
        "outcomes": docs["outcomes"], "quality": docs["quality"], "pain": docs["pain"],
        "prognosis": docs["prognosis"], "decisions": docs.get("decisions"),
        "small_cell": _small_cell(request, user) if source == "registry" else None,
        "groupings": GROUPINGS}, user=user)


def _small_cell(request: Request, user: WebUser) -> int | None:
    """The suppression threshold for this reader: researchers see no cell of fewer patients
    (``OSSEOUS_SMALL_CELL``); clinicians and coordinators, who may read the cases
    themselves, see the counts."""
    if not user.aggregates_only:
        return None
    k: int = settings_of(request).small_cell
    return k


def _label(source: str) -> str:
    return " (synthetic demonstration cohort)" if source == "synthetic" else ""


def _plot(name: str, tallies: dict[str, Tally], by: str, fmt: Any, source: str,
          k: int | None = None) -> bytes:
    """One plot; with ``k`` (a researcher reading the registry), no curve or point rests on
    fewer than ``k`` patients."""
    suffix = _label(source)

    def safe(groups: dict[str, list[Step]]) -> dict[str, list[Step]]:
        return disclosure.curves(groups, k) if k else groups

    def safe_doc(doc: dict[str, Any]) -> dict[str, Any]:
        cleaned: dict[str, Any] = disclosure.strict(disclosure.suppress(doc, k)) if k else doc
        return cleaned

    if name in ("survival", "survival-from-radiotherapy", "sre"):
        if by not in GROUPINGS:
            raise HTTPException(400, f"by: must be one of {', '.join(GROUPINGS)}")
        kind = {"survival": "os", "survival-from-radiotherapy": "rt-os", "sre": "sre"}[name]
        if kind == "rt-os" and by not in ("all", "primary"):
            raise HTTPException(400, "by: survival from radiotherapy is by primary or all")
        title = {"os": "Survival from the first bone metastasis",
                 "rt-os": "Survival from the first palliative radiotherapy",
                 "sre": "First skeletal-related event (death competing)"}[kind]
        return plots.survival_plot(
            safe(outcomes.curves(tallies["outcomes"], kind, by)), title=f"{title}{suffix}",
            ylabel="Cumulative incidence" if kind == "sre" else "Survival",
            cumulative=kind == "sre", fmt=fmt)
    if name.startswith("score-"):
        score = name.removeprefix("score-")
        if score not in prognosis.SCORE_DIRECTION:
            raise HTTPException(404, f"no survival score {score[:40]!r}")
        return plots.survival_plot(safe(prognosis.band_curves(tallies["prognosis"], score)),
                                   title=f"Survival by {score} group{suffix}", fmt=fmt)
    if name == "pain":
        doc = safe_doc(engine.ANALYSES["pain"].finish(tallies["pain"]))
        return plots.pain_response_plot(
            doc, title=f"Pain response after palliative radiotherapy{suffix}", fmt=fmt)
    if name == "quality":
        doc = safe_doc(engine.ANALYSES["quality"].finish(tallies["quality"]))
        return plots.quality_trend_plot(_dated_years(doc["indicators"]),
                                        title=f"Quality indicators by year{suffix}", fmt=fmt)
    raise HTTPException(404, f"no plot named {name[:40]!r}")


def _dated_years(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The indicators with the years that are known (undated items cannot be placed)."""
    return [{**i, "years": [y for y in i["years"] if y["year"] is not None]}
            for i in indicators]


@router.get("/plots/{name}.{fmt}")
def plot(request: Request, name: str, fmt: str, source: str = "registry",
         by: str = "primary") -> Response:
    if fmt not in MEDIA:
        raise HTTPException(404, "plots are .png or .svg")
    user, tallies, _decided, _invalid = _data(request, source)
    k = _small_cell(request, user) if source == "registry" else None
    return Response(_plot(name, tallies, by, fmt, source, k), media_type=MEDIA[fmt],
                    headers={"Cache-Control": "no-store"})
