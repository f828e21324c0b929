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

from osseous.analytics import catalogue, disclosure, engine
from osseous.analytics import decisions as board
from osseous.analytics.synth import synthetic_cohort
from osseous.analytics.tally import Tally
from osseous.core.validation import parse_case
from osseous.registry import cohort
from osseous.registry.policy import Action
from osseous.web.session import WebUser, current, database, settings_of

router = APIRouter(prefix="/app/analytics", include_in_schema=False)
NAMES: Final = tuple(catalogue.analyses(scores=True))
SYNTHETIC_PATIENTS: Final = 2000
GROUPINGS: Final = catalogue.GROUPINGS
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
        mark = cohort.fingerprint(s, user.actor)
        cached = getattr(state, "analytics_cache", None)
        if cached is not None and cached[0] == mark:
            cohort.served_from_cache(s, user.actor)
            hit: tuple[dict[str, Tally], Tally, int] = cached[1]
            return hit
        tallies, invalid = engine.tally_documents(cohort.documents(s, user.actor), NAMES)
        decided = board.tally_decisions(cohort.decisions(s, user.actor))
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
        "groupings": GROUPINGS, "plots": catalogue.PLOTS}, user=user)


def _small_cell(request: Request, user: WebUser) -> int | None:
    """The suppression threshold for this reader: researchers see no cell of fewer patients
    (``OSSEOUS_SMALL_CELL``); clinicians and coordinators, who may read the cases
    themselves, see the counts."""
    if not user.aggregates_only:
        return None
    k: int = settings_of(request).small_cell
    return k


@router.get("/plots/{name}.{fmt}")
def plot(request: Request, name: str, fmt: str, source: str = "registry",
         by: str = "primary", score: str | None = None) -> Response:
    """A plot of the catalogue (:mod:`osseous.analytics.catalogue`); ``score-ID`` is
    ``survival-by-score?score=ID``."""
    if fmt not in MEDIA:
        raise HTTPException(404, "plots are .png or .svg")
    user, tallies, _decided, _invalid = _data(request, source)
    k = _small_cell(request, user) if source == "registry" else None
    if name.startswith("score-"):
        name, score = "survival-by-score", name.removeprefix("score-")
    try:
        image = catalogue.render(name, tallies,
                                 fmt="png" if fmt == "png" else "svg", by=by, score=score,
                                 synthetic=source == "synthetic", small_cell=k)
    except catalogue.PlotRequestError as exc:
        if exc.field == "by":
            raise HTTPException(400, str(exc)) from None
        raise HTTPException(404, f"no plot named {name[:40]!r}") from None
    return Response(image, media_type=MEDIA[fmt], headers={"Cache-Control": "no-store"})
