"""Symptom triage for the calls a nurse or an oncology line takes from a patient with bone
metastases (or suspected ones): which symptoms cannot wait, what to do now, and why.

Three emergencies start as symptoms (NICE NG234; Zometa label and StatPearls for calcium):

* metastatic spinal cord compression: new or worse back pain, pain at night or lying down, and
  above all limb weakness, numbness, bladder or bowel change, or a change in walking;
* pathological fracture: pain on weight-bearing (impending) or a sudden inability to bear weight
  (actual);
* hypercalcaemia: confusion, thirst, passing a lot of urine, constipation, vomiting.

Unknown is not "no": a red-flag question left unanswered is reported and asked; triage never
says "no concern" unless every red-flag question was answered no.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from osseous.core.errors import InvalidInput, Problem
from osseous.core.validation import problems_from

Urgency = Literal["emergency", "urgent", "routine", "unknown"]
ORDER: Final = {"emergency": 0, "urgent": 1, "routine": 2, "unknown": 3}

#: question id -> the question as asked
QUESTIONS: Final = {
    "new_or_worse_back_pain": "Is there new back or neck pain, or is existing pain worse?",
    "pain_at_night_or_lying_down": "Is the back pain worse at night or when lying down?",
    "limb_weakness": "Is there new weakness in the arms or legs?",
    "numbness": "Is there new numbness or tingling in the body, legs or around the bottom?",
    "bladder_or_bowel_change": "Any new trouble passing urine or controlling the bladder or "
                               "bowels?",
    "walking_change": "Has walking changed: unsteady, stumbling, or needing more help?",
    "pain_on_weight_bearing": "Does a limb or the hip hurt when standing or walking on it?",
    "cannot_bear_weight": "Suddenly unable to stand or put weight on a leg?",
    "confusion": "Is the patient newly confused or unusually drowsy?",
    "thirst": "Is the patient very thirsty?",
    "passing_more_urine": "Passing a lot more urine than usual?",
    "constipation": "New or worse constipation?",
    "vomiting": "Nausea or vomiting?",
}
NEUROLOGY: Final = ("limb_weakness", "numbness", "bladder_or_bowel_change", "walking_change")
SPINAL_PAIN: Final = ("new_or_worse_back_pain", "pain_at_night_or_lying_down")
CALCIUM: Final = ("confusion", "thirst", "passing_more_urine", "constipation", "vomiting")


class TriageAnswers(BaseModel):
    """The answers: true (yes), false (no) or absent/null (unknown)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    new_or_worse_back_pain: bool | None = None
    pain_at_night_or_lying_down: bool | None = None
    limb_weakness: bool | None = None
    numbness: bool | None = None
    bladder_or_bowel_change: bool | None = None
    walking_change: bool | None = None
    pain_on_weight_bearing: bool | None = None
    cannot_bear_weight: bool | None = None
    confusion: bool | None = None
    thirst: bool | None = None
    passing_more_urine: bool | None = None
    constipation: bool | None = None
    vomiting: bool | None = None


@dataclass(frozen=True, slots=True)
class Concern:
    condition: str
    urgency: Urgency
    do_now: str
    why: str
    triggered_by: tuple[str, ...]
    references: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"condition": self.condition, "urgency": self.urgency, "do_now": self.do_now,
                "why": self.why, "triggered_by": list(self.triggered_by),
                "references": list(self.references)}


def parse_answers(data: object) -> TriageAnswers:
    """Validate the answers; each problem names the question and what is allowed."""
    if not isinstance(data, dict):
        raise InvalidInput([Problem("", "expected a JSON object of answers (true, false or "
                                        "null)")])
    try:
        return TriageAnswers.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc)) from None


def _yes(a: TriageAnswers, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if getattr(a, n) is True)


def _unknown(a: TriageAnswers, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if getattr(a, n) is None)


def triage(answers: TriageAnswers) -> dict[str, Any]:
    """The concerns raised, the overall urgency, and the red-flag questions still unanswered."""
    concerns: list[Concern] = []
    neuro = _yes(answers, NEUROLOGY)
    pain = _yes(answers, SPINAL_PAIN)
    if neuro:
        concerns.append(Concern(
            "suspected-spinal-cord-compression", "emergency",
            "Same-day assessment: MRI of the whole spine as soon as possible and within 24 "
            "hours; dexamethasone 16 mg if compression is likely and there is no "
            "contraindication; keep the spine still until assessed; contact the acute oncology "
            "or spinal team now.",
            "Neurological symptoms with bone metastases mean cord or cauda equina compression "
            "until proved otherwise; the outcome depends on walking ability when treatment "
            "starts.", neuro + pain, ("nice-ng234-2023", "patchell-2005")))
    elif pain:
        concerns.append(Concern(
            "possible-spinal-metastasis-or-early-compression", "urgent",
            "Contact the oncology team today for an urgent MRI of the whole spine; explain the "
            "warning symptoms of cord compression and to call at once if any appear.",
            "New or worse spinal pain, or pain at night or lying down, can be the first sign of "
            "spinal metastases or early cord compression.", pain, ("nice-ng234-2023",)))
    if answers.cannot_bear_weight:
        concerns.append(Concern(
            "suspected-pathological-fracture", "emergency",
            "Do not put weight on the limb; same-day X-ray and orthopaedic assessment.",
            "A sudden inability to bear weight in a bone with metastases suggests a fracture.",
            ("cannot_bear_weight",), ("aaos-2023", "mirels-1989")))
    elif answers.pain_on_weight_bearing:
        concerns.append(Concern(
            "possible-impending-fracture", "urgent",
            "Limit weight-bearing (crutches or a frame); X-ray or CT of the painful bone within "
            "days to score the fracture risk (Mirels).",
            "Pain when the bone is loaded is the strongest warning of an impending fracture.",
            ("pain_on_weight_bearing",), ("mirels-1989", "harrington-1986")))
    calcium = _yes(answers, CALCIUM)
    if calcium:
        urgency: Urgency = "emergency" if answers.confusion else "urgent"
        concerns.append(Concern(
            "possible-hypercalcaemia", urgency,
            "Check calcium (with albumin) and kidney function today; "
            + ("same-day assessment for intravenous fluids if confused or drowsy."
               if answers.confusion else "encourage fluids meanwhile."),
            "Thirst, passing a lot of urine, constipation, vomiting and confusion are the "
            "symptoms of a high calcium, a treatable emergency in cancer.", calcium,
            ("statpearls-hcm", "el-hajj-fuleihan-2023")))
    red_flags = (*NEUROLOGY, *SPINAL_PAIN, "cannot_bear_weight", "pain_on_weight_bearing",
                 *CALCIUM)
    unknown = _unknown(answers, red_flags)
    if concerns:
        overall: Urgency = min((c.urgency for c in concerns), key=lambda u: ORDER[u])
    else:
        overall = "unknown" if unknown else "routine"
    result: dict[str, Any] = {
        "urgency": overall,
        "concerns": [c.to_dict() for c in sorted(concerns, key=lambda c: ORDER[c.urgency])],
        "unanswered": [{"question": q, "ask": QUESTIONS[q]} for q in unknown],
    }
    if not concerns and not unknown:
        result["summary"] = ("No red-flag symptom reported: routine follow-up; call again at "
                             "once if any warning symptom appears.")
    elif not concerns:
        result["summary"] = ("No red flag reported so far, but some were not asked: ask them "
                             "before closing the call.")
    else:
        result["summary"] = "; ".join(f"{c['condition']} ({c['urgency']})"
                                      for c in result["concerns"])
        if unknown:  # an unasked question could still raise the urgency
            result["summary"] += (f"; {len(unknown)} red-flag question(s) not yet asked: ask "
                                  "them now, they could make this more urgent")
    return result
