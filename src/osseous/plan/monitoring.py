"""Monitoring and follow-up duties that follow from a patient's treatments, with due dates.

Each duty comes from a label or guideline (cited on the duty):

* zoledronic acid and pamidronate: serum creatinine before every dose (Zometa and pamidronate
  labels); the next dose falls 4 or 12 weeks (zoledronic acid; CALGB 70604) or 3-4 weeks
  (pamidronate) after the last one;
* denosumab: calcium before every 4-weekly dose and in the first weeks (Xgeva label);
* any bone-modifying agent: a dental review (ASCO 2011, Van Poznak);
* radium-223: a blood count before each of the 6 injections, 4 weeks apart (Xofigo label);
* lutetium-177 PSMA: blood count and kidney function before each of up to 6 doses, 6 weeks apart
  (Pluvicto label);
* samarium-153: a blood count weekly for at least 8 weeks from 2 weeks after the injection
  (EU SmPC); strontium-89: every other week (Metastron label);
* radiotherapy to bone: pain and analgesic assessments at 1, 2 and 3 months for the
  International Consensus response (Chow 2012).

Where the schedule is not recorded (e.g. zoledronic acid every 4 or every 12 weeks), the duty
falls due at the earliest date the next dose could be given, so it is never late. A duty with no
date to count from is listed as ``date-unknown``, not dropped. The project choices (windows,
the dental interval, the first-weeks calcium check) are in docs/clinical/decisions.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, Literal

from osseous.core.case import Case, Medication
from osseous.knowledge import bma
from osseous.knowledge import radiopharmaceuticals as rp

Status = Literal["done", "overdue", "due", "upcoming", "date-unknown"]
MONITORING_FORMAT: Final = "osseous.monitoring/1"

#: a duty is "due" (not yet overdue) this many days before its date
DUE_SOON_DAYS: Final = 7
#: a result this many days before the due date still counts for it (project default)
LAB_WINDOW_DAYS: Final = 7
#: the earliest next pamidronate dose (label: every 3-4 weeks)
PAMIDRONATE_MIN_INTERVAL_WEEKS: Final = 3
#: calcium rechecked this many days after the first denosumab dose (label: "especially in the
#: first weeks"; the day is a project default)
DENOSUMAB_FIRST_CHECK_DAYS: Final = 14
#: dental review interval on a bone-modifying agent (project default, as the work-up planner)
DENTAL_REVIEW_DAYS: Final = 180
#: samarium-153: weekly counts from week 2 to week 9 (EU SmPC: weekly for at least 8 weeks,
#: starting 2 weeks after administration)
SAMARIUM_COUNT_WEEKS: Final = tuple(range(2, 10))
#: strontium-89: counts every other week (label) through the platelet nadir at 12-16 weeks; the
#: end at week 16 is a project default
STRONTIUM_COUNT_WEEKS: Final = tuple(range(2, 17, 2))
#: pain assessments after radiotherapy, months (Chow 2012, as commonly cited; see decisions)
PAIN_FOLLOW_UP_MONTHS: Final = (1, 2, 3)
#: a pain assessment within this many days of the target date counts for it (project default)
PAIN_WINDOW_DAYS: Final = 14



@dataclass(frozen=True, slots=True)
class Duty:
    id: str
    what: str
    due: date | None
    status: Status
    reason: str
    references: tuple[str, ...]
    treatment: str
    lesion: str | None = None
    done_on: date | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "what": self.what,
            "due": self.due.isoformat() if self.due else None, "status": self.status,
            "reason": self.reason, "treatment": self.treatment,
            "references": list(self.references)}
        if self.lesion:
            out["lesion"] = self.lesion
        if self.done_on:
            out["done_on"] = self.done_on.isoformat()
        return out


def _status(due: date | None, today: date, done_on: date | None) -> Status:
    if done_on is not None:
        return "done"
    if due is None:
        return "date-unknown"
    if due < today:
        return "overdue"
    return "due" if (due - today).days <= DUE_SOON_DAYS else "upcoming"


def _lab_since(case: Case, analytes: tuple[str, ...], since: date | None,
               until: date) -> date | None:
    """The date of the latest result of every analyte on or after ``since``, if all exist."""
    found: list[date] = []
    for analyte in analytes:
        dates = [lab.date for lab in case.labs or () if lab.analyte == analyte
                 and lab.date is not None and lab.date <= until
                 and (since is None or lab.date >= since)]
        if not dates:
            return None
        found.append(max(dates))
    return min(found) if found else None


def _active(med: Medication) -> bool:
    # stopped and completed courses carry no more duties; an unknown status is kept
    return med.status not in ("stopped", "completed")


def _next_dose(med: Medication, weeks: int) -> date | None:
    if med.last_dose is not None:
        return med.last_dose + timedelta(weeks=weeks)
    if med.status == "planned":
        return med.started  # the first dose: its check is due on the start date
    return None


def _before_dose(case: Case, med: Medication, today: date, weeks: int, analytes: tuple[str, ...],
                 what: str, reason: str, refs: tuple[str, ...]) -> Duty:
    due = _next_dose(med, weeks)
    since = (due - timedelta(days=LAB_WINDOW_DAYS)) if due else None
    if med.last_dose is not None and since is not None:
        since = max(since, med.last_dose)
    done = _lab_since(case, analytes, since, today) if due is not None else None
    return Duty(f"{med.drug}-{'-'.join(analytes)}", what, due, _status(due, today, done),
                reason, refs, med.drug, done_on=done)


def _bone_agents(case: Case, today: date) -> Iterator[Duty]:
    meds = [m for m in case.medications or () if m.drug in bma.AGENTS and _active(m)]
    for med in meds:
        if med.drug == "zoledronic-acid":
            weeks = min(bma.ZOLEDRONIC_INTERVAL_WEEKS)
            yield _before_dose(
                case, med, today, weeks, ("creatinine",),
                "Serum creatinine before the next zoledronic acid dose",
                f"checked before every dose; the next is due {min(bma.ZOLEDRONIC_INTERVAL_WEEKS)}"
                f" or {max(bma.ZOLEDRONIC_INTERVAL_WEEKS)} weeks after the last (the earlier "
                "date is used when the schedule is not recorded)", ("zometa-label",))
        elif med.drug == "pamidronate":
            yield _before_dose(
                case, med, today, PAMIDRONATE_MIN_INTERVAL_WEEKS, ("creatinine",),
                "Serum creatinine before the next pamidronate dose",
                "checked before every dose; doses are 3-4 weeks apart", ("pamidronate-label",))
        elif med.drug == "denosumab":
            yield _before_dose(
                case, med, today, bma.DENOSUMAB_INTERVAL_WEEKS, ("calcium",),
                "Serum calcium before the next denosumab dose",
                "hypocalcaemia can be severe; correct it before each 4-weekly dose",
                ("xgeva-label",))
            if med.started is not None:
                due = med.started + timedelta(days=DENOSUMAB_FIRST_CHECK_DAYS)
                if today - due <= timedelta(weeks=8):  # only while "the first weeks" matter
                    done = _lab_since(case, ("calcium",), med.started + timedelta(days=1), today)
                    yield Duty("denosumab-calcium-first-weeks",
                               "Serum calcium in the first weeks of denosumab", due,
                               _status(due, today, done),
                               "calcium falls most in the first weeks of treatment",
                               ("xgeva-label",), med.drug, done_on=done)
    if meds:
        dental = case.patient.dental
        last = dental.last_exam if dental else None
        # with no examination recorded it was due before the first dose
        starts = [m.started for m in meds if m.started is not None]
        dental_due = (last + timedelta(days=DENTAL_REVIEW_DAYS) if last
                      else min(starts, default=today))
        yield Duty("dental-review", "Dental review", dental_due,
                   _status(dental_due, today, None),
                   "osteonecrosis of the jaw: regular dental review while on a bone-modifying "
                   "agent" + ("" if last else "; no dental examination is recorded"),
                   ("van-poznak-2011",), meds[0].drug)


def _course(case: Case, med: Medication, today: date, weeks: int, doses: int,
            analytes: tuple[str, ...], what: str, reason: str, ref: str) -> Iterator[Duty]:
    if med.doses_given is not None and med.doses_given >= doses:
        return  # the course is complete
    given = "unknown" if med.doses_given is None else str(med.doses_given)
    yield _before_dose(case, med, today, weeks, analytes, what,
                       f"{reason}; {given} of {doses} doses given, every {weeks} weeks", (ref,))


def _radiopharmaceuticals(case: Case, today: date) -> Iterator[Duty]:
    for med in case.medications or ():
        if not _active(med):
            continue
        if med.drug == "radium-223":
            yield from _course(case, med, today, rp.RADIUM_INTERVAL_WEEKS, rp.RADIUM_DOSES,
                               ("anc", "platelets", "hemoglobin"),
                               "Blood count before the next radium-223 injection",
                               "counts must meet the label's limits before each injection",
                               "xofigo-label")
        elif med.drug == "lutetium-177-psma":
            yield from _course(case, med, today, rp.LUTETIUM_INTERVAL_WEEKS, rp.LUTETIUM_DOSES,
                               ("platelets", "creatinine"),
                               "Blood count and kidney function before the next lutetium-177 "
                               "PSMA dose", "marrow and kidney toxicity are checked before "
                               "each dose", "pluvicto-label")
    after = {"samarium-153": (SAMARIUM_COUNT_WEEKS, "quadramet-label",
                              "counts fall to a low point at 3-5 weeks and recover by about 8"),
             "strontium-89": (STRONTIUM_COUNT_WEEKS, "metastron-label",
                              "platelets fall to a low point at 12-16 weeks")}
    for med in case.medications or ():
        given = med.last_dose or med.started
        if med.drug not in after or given is None:
            continue
        weeks, ref, why = after[med.drug]
        for week in weeks:
            due = given + timedelta(weeks=week)
            start = due - timedelta(days=3)
            done = _lab_since(case, ("platelets",), start, min(today, due + timedelta(3)))
            yield Duty(f"{med.drug}-count-week-{week}",
                       f"Blood count, week {week} after {med.drug}", due,
                       _status(due, today, done), why, (ref,), med.drug, done_on=done)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _radiotherapy(case: Case, today: date) -> Iterator[Duty]:
    for lesion in case.lesions or ():
        for n, course in enumerate(lesion.prior_radiotherapy or ()):
            if course.date is None:
                continue
            last = _add_months(course.date, max(PAIN_FOLLOW_UP_MONTHS))
            if (today - last).days > 2 * PAIN_WINDOW_DAYS:
                continue  # an old course: its follow-up belongs to the history, not the list
            for months in PAIN_FOLLOW_UP_MONTHS:
                due = _add_months(course.date, months)
                window = timedelta(days=PAIN_WINDOW_DAYS)
                done = max((p.date for p in case.pain_assessments or ()
                            if p.lesion in (None, lesion.id)
                            and due - window <= p.date <= min(due + window, today)),
                           default=None)
                yield Duty(f"pain-{lesion.id}-rt{n + 1}-month-{months}",
                           f"Pain and analgesic assessment, {months} month(s) after "
                           f"radiotherapy to {lesion.id}", due, _status(due, today, done),
                           "worst pain and oral morphine equivalents for the International "
                           "Consensus response", ("chow-2012",), "radiotherapy",
                           lesion=lesion.id, done_on=done)


def monitoring(case: Case, today: date) -> dict[str, Any]:
    """Every duty for the case as of ``today``, the overdue first, then by due date."""
    duties = [*_bone_agents(case, today), *_radiopharmaceuticals(case, today),
              *_radiotherapy(case, today)]
    order = {"overdue": 0, "date-unknown": 1, "due": 2, "upcoming": 3, "done": 4}
    duties.sort(key=lambda d: (order[d.status], d.due or date.max, d.id))
    return {"format": MONITORING_FORMAT, "case": case.id, "as_of": today.isoformat(),
            "overdue": sum(d.status == "overdue" for d in duties),
            "duties": [d.to_dict() for d in duties]}
