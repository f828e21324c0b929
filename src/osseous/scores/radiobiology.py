"""Linear-quadratic radiobiology and cumulative spinal-cord dose checks for re-irradiation.

    BED  = n d (1 + d / (a/b))
    EQD2 = D (d + a/b) / (2 + a/b) = BED / (1 + 2 / (a/b))

Cord checks (each reports the limit, the value and the margin = limit - value):

* conventional re-irradiation (Nieder 2006): cumulative BED <= 135.5 Gy2, each course
  <= 98 Gy2, interval >= 6 months (a/b = 2 Gy);
* SBRT re-irradiation after conventional radiotherapy (Sahgal 2012; HyTEC 2021): cumulative
  thecal-sac EQD2 <= 70 Gy, SBRT EQD2 <= 25 Gy, SBRT share <= 50% of the total, interval
  >= 5 months;
* de novo SBRT (Sahgal 2013): thecal-sac point maximum by fractions 12.4 / 17.0 / 20.3 /
  23.0 / 25.3 Gy for 1-5 fractions.

When the plan's cord dose is not known the prescription dose stands in for it and the result
says so; the plan's own cord dose is needed before treatment.

Every check is decided on the unrounded value (a share of 0.502 is over 0.5); values and margins
are rounded only in :meth:`LimitCheck.to_dict`, for display. Intervals are in months of
365.25 / 12 = 30.4375 days (the mean Gregorian month): Nieder ("interval ... not shorter than
6 months") and Sahgal (">= 5 months") state their limits in months without defining a month in
days, so the mean month is used and the limits are 182.625 and 152.1875 days - 182 days is
not 6 months, 183 days is (docs/clinical/decisions.md).

References: Fowler 1989 (fowler-1989); ICRP EQDX (icrp-eqd); Nieder C et al., IJROBP
2006;66:1446-9 (nieder-2006); Sahgal A et al., IJROBP 2012;82:107-16 (sahgal-2012); IJROBP
2013;85:341-7 (sahgal-2013); IJROBP 2021;110:124-36 (sahgal-2021-hytec).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from osseous.knowledge import radiotherapy as rt
from osseous.knowledge.citations import cite

REFERENCES: Final = cite("fowler-1989", "icrp-eqd")
CORD_REFERENCES: Final = cite("nieder-2006", "sahgal-2012", "sahgal-2013", "sahgal-2021-hytec")
#: days in a month for the interval limits: the mean Gregorian month, 365.25 / 12
DAYS_PER_MONTH: Final = 365.25 / 12
#: decimals shown for values and margins (display only; decisions use the unrounded values)
DISPLAY_DECIMALS: Final = 3
FLOAT_NOISE: Final = 1e-9


def _check(total_gy: float, fractions: int, alpha_beta: float) -> None:
    if total_gy < 0:
        raise ValueError("dose must not be negative")
    if fractions < 1:
        raise ValueError("fractions must be at least 1")
    if alpha_beta <= 0:
        raise ValueError("alpha/beta must be greater than 0")


def bed(total_gy: float, fractions: int, alpha_beta: float) -> float:
    """Biologically effective dose (Gy).

    >>> bed(8, 1, 2)
    40.0
    """
    _check(total_gy, fractions, alpha_beta)
    d = total_gy / fractions
    return total_gy * (1 + d / alpha_beta)


def eqd2(total_gy: float, fractions: int, alpha_beta: float) -> float:
    """Equivalent dose in 2-Gy fractions (Gy).

    >>> eqd2(30, 10, 2)
    37.5
    """
    _check(total_gy, fractions, alpha_beta)
    d = total_gy / fractions
    return total_gy * (d + alpha_beta) / (2 + alpha_beta)


@dataclass(frozen=True, slots=True)
class LimitCheck:
    """One limit: what it is, the value for this patient, and the margin (limit - value)."""

    name: str
    limit: float
    value: float | None
    unit: str
    source: str
    kind: str = "max"  # "max": value must not exceed; "min": value must reach

    @property
    def margin(self) -> float | None:
        """Limit - value (value - limit for a minimum), unrounded."""
        if self.value is None:
            return None
        return self.limit - self.value if self.kind == "max" else self.value - self.limit

    @property
    def within(self) -> bool | None:
        """Decided on the unrounded margin; only floating-point noise (1e-9) is forgiven, so
        a value exactly on the limit computed through sums of fractions stays within."""
        m = self.margin
        return None if m is None else m >= -FLOAT_NOISE

    def to_dict(self) -> dict[str, object]:
        m = self.margin
        return {"name": self.name, "limit": self.limit,
                "value": None if self.value is None else round(self.value, DISPLAY_DECIMALS),
                "unit": self.unit, "margin": None if m is None else round(m, DISPLAY_DECIMALS),
                "within": self.within, "source": self.source}


@dataclass(frozen=True, slots=True)
class Course:
    """A course as it reaches the cord: prescription, or the plan's cord EQD2 when known."""

    dose_gy: float
    fractions: int
    date: date | None = None
    cord_eqd2_gy: float | None = None

    def eqd2_cord(self, alpha_beta: float = rt.CORD_ALPHA_BETA) -> float:
        if self.cord_eqd2_gy is not None:
            return self.cord_eqd2_gy
        return eqd2(self.dose_gy, self.fractions, alpha_beta)


def _months_between(a: date, b: date) -> float:
    return abs((b - a).days) / DAYS_PER_MONTH


def _interval(prior: list[Course], planned_on: date | None) -> float | None:
    """Months from the latest dated prior course to the planned date, unrounded."""
    dates = [c.date for c in prior if c.date is not None]
    if not dates or planned_on is None:
        return None
    return _months_between(max(dates), planned_on)


def nieder_conventional(prior: list[Course], planned: Course, planned_on: date | None,
                        alpha_beta: float = rt.CORD_ALPHA_BETA) -> list[LimitCheck]:
    """Nieder 2006 checks for a conventional re-irradiation course."""
    courses = [*prior, planned]
    beds = [c.eqd2_cord(alpha_beta) * (1 + 2 / alpha_beta) for c in courses]
    return [
        LimitCheck("cumulative cord BED", rt.NIEDER_CUMULATIVE_BED_GY2, sum(beds), "Gy2",
                   "nieder-2006"),
        LimitCheck("largest single-course cord BED", rt.NIEDER_COURSE_BED_GY2, max(beds), "Gy2",
                   "nieder-2006"),
        LimitCheck("interval since the last course", rt.NIEDER_MIN_INTERVAL_MONTHS,
                   _interval(prior, planned_on), "months", "nieder-2006", kind="min"),
    ]


def sahgal_reirradiation(prior: list[Course], sbrt_pmax_gy: float, sbrt_fractions: int,
                         planned_on: date | None) -> list[LimitCheck]:
    """Sahgal 2012 / HyTEC 2021 checks for SBRT after conventional radiotherapy."""
    sbrt = eqd2(sbrt_pmax_gy, sbrt_fractions, rt.CORD_ALPHA_BETA)
    total = sum(c.eqd2_cord() for c in prior) + sbrt
    return [
        LimitCheck("cumulative thecal-sac EQD2 Pmax", rt.SAHGAL_REIRRADIATION_CUMULATIVE_EQD2,
                   total, "Gy", "sahgal-2012"),
        LimitCheck("SBRT thecal-sac EQD2 Pmax", rt.SAHGAL_REIRRADIATION_SBRT_EQD2, sbrt, "Gy",
                   "sahgal-2012"),
        LimitCheck("SBRT share of the cumulative EQD2", rt.SAHGAL_REIRRADIATION_SBRT_SHARE,
                   sbrt / total if total else 0.0, "fraction", "sahgal-2012"),
        LimitCheck("interval since the last course", rt.SAHGAL_REIRRADIATION_MIN_INTERVAL_MONTHS,
                   _interval(prior, planned_on), "months", "sahgal-2012", kind="min"),
    ]


def sahgal_de_novo(pmax_gy: float, fractions: int) -> LimitCheck:
    """Sahgal 2013 thecal-sac Pmax limit for de novo SBRT in 1-5 fractions."""
    if fractions not in rt.SAHGAL_DE_NOVO_PMAX_GY:
        raise ValueError("de novo SBRT thecal-sac limits are published for 1-5 fractions")
    return LimitCheck(f"thecal-sac Pmax, {fractions} fraction(s)",
                      rt.SAHGAL_DE_NOVO_PMAX_GY[fractions], pmax_gy, "Gy", "sahgal-2013")
