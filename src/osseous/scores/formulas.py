"""Stand-alone formulas with their own parameters (not read from a case), as calculators.

Each calculator validates a JSON object of parameters and returns a JSON-ready result; bad
parameters raise :class:`InvalidInput` naming each field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from osseous.core.case import IsoDate
from osseous.core.errors import InvalidInput, Problem
from osseous.core.validation import problems_from
from osseous.knowledge.citations import cite
from osseous.scores import radiobiology as rb
from osseous.scores.radium import radium_dose
from osseous.scores.zoledronic import zoledronic_dose, zoledronic_withhold


class _Params(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")


Dose = Annotated[float, Field(gt=0, le=200)]
Fractions = Annotated[int, Field(ge=1, le=60)]


class BedParams(_Params):
    dose_gy: Dose
    fractions: Fractions
    alpha_beta: Annotated[float, Field(gt=0, le=30)] = 10.0


class CourseParams(_Params):
    dose_gy: Dose
    fractions: Fractions
    date: IsoDate | None = None
    cord_max_eqd2_gy: Annotated[float, Field(ge=0, le=200)] | None = None


class CordParams(_Params):
    """The published cord limits are in Gy2 (alpha/beta 2 Gy), so alpha/beta is fixed."""

    technique: Literal["conventional", "sbrt"]
    prior: list[CourseParams] = []
    planned: CourseParams


class ZoledronicParams(_Params):
    crcl_ml_min: Annotated[float, Field(ge=0, le=300)]


class WithholdParams(_Params):
    baseline_creatinine_mg_dl: Annotated[float, Field(gt=0, le=20)]
    current_creatinine_mg_dl: Annotated[float, Field(gt=0, le=20)]


class RadiumParams(_Params):
    weight_kg: Annotated[float, Field(gt=0, le=400)]
    days_from_reference: Annotated[int, Field(ge=-14, le=14)] | None = None


def _bed(p: BedParams) -> dict[str, Any]:
    return {"bed_gy": round(rb.bed(p.dose_gy, p.fractions, p.alpha_beta), 3),
            "eqd2_gy": round(rb.eqd2(p.dose_gy, p.fractions, p.alpha_beta), 3),
            "dose_per_fraction_gy": round(p.dose_gy / p.fractions, 3),
            "alpha_beta_gy": p.alpha_beta, "references": list(rb.REFERENCES)}


def _course(c: CourseParams) -> rb.Course:
    return rb.Course(c.dose_gy, c.fractions, c.date, c.cord_max_eqd2_gy)


def _cord(p: CordParams) -> dict[str, Any]:
    prior = [_course(c) for c in p.prior]
    planned_on: date | None = p.planned.date
    notes = []
    if any(c.cord_max_eqd2_gy is None for c in [*p.prior, p.planned]):
        notes.append("prescription dose used where the plan's cord dose was not given; "
                     "check the plan's cord dose before treatment")
    if p.technique == "sbrt" and not prior:
        checks = [rb.sahgal_de_novo(p.planned.dose_gy, p.planned.fractions)]
        notes.append("de novo SBRT: the planned dose is read as the thecal-sac point maximum")
    elif p.technique == "sbrt":
        checks = rb.sahgal_reirradiation(prior, p.planned.dose_gy, p.planned.fractions,
                                         planned_on)
        notes.append("SBRT re-irradiation: the planned dose is read as the thecal-sac Pmax")
    else:
        checks = rb.nieder_conventional(prior, _course(p.planned), planned_on)
    within = [c.within for c in checks]
    return {"checks": [c.to_dict() for c in checks],
            "all_within": None if None in within else all(within),
            "notes": notes, "references": list(rb.CORD_REFERENCES)}


def _zoledronic(p: ZoledronicParams) -> dict[str, Any]:
    return zoledronic_dose(p.crcl_ml_min).to_dict()


def _withhold(p: WithholdParams) -> dict[str, Any]:
    d = zoledronic_withhold(p.baseline_creatinine_mg_dl, p.current_creatinine_mg_dl)
    return {"withhold": d.withhold, "rise_mg_dl": d.rise_mg_dl,
            "threshold_mg_dl": d.threshold_mg_dl, "resume_at_or_below_mg_dl": d.resume_below_mg_dl,
            "reason": d.reason, "references": list(cite("zometa-label"))}


def _radium(p: RadiumParams) -> dict[str, Any]:
    return radium_dose(p.weight_kg, p.days_from_reference).to_dict()


@dataclass(frozen=True, slots=True)
class Formula:
    name: str
    params: type[_Params]
    fn: Callable[[Any], dict[str, Any]]
    references: tuple[str, ...]

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(self.params.model_fields)

    def run(self, data: object) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise InvalidInput([Problem("", "expected a JSON object of parameters")])
        try:
            params = self.params.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput(problems_from(exc)) from None
        try:
            return self.fn(params)
        except ValueError as exc:
            raise InvalidInput([Problem("", str(exc))]) from None


FORMULAS: Final = {
    "bed-eqd2": Formula("BED and EQD2 (linear-quadratic)", BedParams, _bed, rb.REFERENCES),
    "cord-dose": Formula("Cumulative spinal-cord dose checks", CordParams, _cord,
                         rb.CORD_REFERENCES),
    "zoledronic-acid-dose": Formula("Zoledronic acid dose by creatinine clearance",
                                    ZoledronicParams, _zoledronic, cite("zometa-label")),
    "zoledronic-acid-withhold": Formula("Zoledronic acid withhold rule on creatinine rise",
                                        WithholdParams, _withhold, cite("zometa-label")),
    "radium-223-dose": Formula("Radium-223 activity and volume", RadiumParams, _radium,
                               cite("xofigo-label")),
}
