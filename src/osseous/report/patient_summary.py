"""A plain-language summary of the plan, written for the patient: what each option is, why it
is suggested, and what happens next. Built from the assessment document; it adds no advice of
its own and keeps the clinician's strength words in plain terms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from osseous.plan.document import Assessment, RecommendationDoc

#: what each kind of treatment is, in everyday words
EXPLAIN: Final = {
    "radiotherapy": "Radiotherapy uses carefully aimed X-rays to treat the cancer in the bone. "
                    "It is painless while it is given; a course can be a single visit or a few "
                    "daily visits.",
    "bone-modifying-agent": "A bone-strengthening medicine (an injection or a drip every few "
                            "weeks or months) that lowers the chance of fractures and other "
                            "bone problems.",
    "interventional": "A procedure done through the skin under X-ray or scan guidance, such as "
                      "injecting bone cement or freezing or heating the tumour, to ease pain.",
    "surgery": "An operation to strengthen or protect the bone or the spinal cord.",
    "radiopharmaceutical": "A radioactive medicine given into a vein that travels to the "
                           "bones to treat several areas at once.",
    "systemic-therapy": "Medicines that treat the cancer throughout the body, such as hormone "
                        "treatment, targeted drugs, immunotherapy or chemotherapy.",
    "supportive-care": "Care that controls symptoms such as pain and keeps you comfortable and "
                       "safe.",
}
STRENGTH: Final = {"recommended": "Your care team is likely to suggest this.",
                   "consider": "This is an option your care team may discuss with you.",
                   "not-recommended": "This is probably not suitable for you right now."}
WHEN: Final = {"emergency": "This needs to happen today.",
               "urgent": "This should happen within days.",
               "routine": "This can be planned at the next appointment."}
ALERT: Final = {
    "mescc": "The scan or your symptoms suggest pressure on the spinal cord. This is urgent: "
             "tell the team at once about new weakness, numbness, or trouble passing urine or "
             "stools.",
    "hypercalcemia": "The calcium level in your blood is high. This can cause thirst, "
                     "confusion, constipation or sickness, and it is treated with fluids and "
                     "medicine.",
    "impending-fracture": "A bone is weakened and at risk of breaking. Take care putting weight "
                          "on it until it has been treated.",
    "pathological-fracture": "A bone has broken where the cancer has weakened it.",
    "spinal-instability": "The spine may not be stable. The team will advise how to move "
                          "safely.",
}


#: recommendations that are monitoring of a treatment already given, not an option to offer
NOT_OPTIONS: Final = frozenset({"supportive.pain-follow-up"})
#: words in a title that make a surgical item a consultation, not an operation
CONSULTATION: Final = ("consultation", "opinion", "referral", "review")


@dataclass(frozen=True, slots=True)
class Item:
    heading: str
    what: str
    why: str
    strength: str
    when: str


def summarise(assessment: Assessment, decisions: Sequence[Any] = ()) -> dict[str, Any]:
    """The patient summary as headings and short paragraphs (rendered by the templates).

    With the board's ``decisions`` (objects with ``recommendation_id``, ``lesion`` and
    ``decision``; the latest per option counts) the summary says what was decided: options the
    board accepted are "planned", options it declined are left out entirely, and the rest are
    "still being discussed". Without decisions every suitable option is "being discussed".
    """
    warnings = [ALERT[a["id"]] for a in assessment.get("alerts", []) if a["id"] in ALERT]
    latest: dict[tuple[str, str | None], str] = {}
    for d in decisions:
        latest[(d.recommendation_id, d.lesion)] = d.decision
    planned, open_ = [], []
    for r in assessment.get("recommendations", []):
        if r["strength"] == "not-recommended" or r["id"] in NOT_OPTIONS:
            continue
        decided = latest.get((r["id"], r.get("lesion")))
        if decided == "declined":
            continue
        consult = r["modality"] == "surgery" and any(w in r["title"].lower()
                                                     for w in CONSULTATION)
        what = (CONSULT_TEXT if consult else EXPLAIN[r["modality"]])
        if decided in ("accepted", "modified"):
            planned.append(Item(
                heading=r["title"], what=what, why=_plain_reason(r, consult),
                strength="Your care team has agreed this with you in mind." if decided ==
                "accepted" else "Your care team has agreed this, changed to suit you.",
                when=CONSULT_WHEN if consult else WHEN[r["urgency"]]))
        else:
            open_.append(Item(heading=r["title"], what=what, why=_plain_reason(r, consult),
                              strength=STRENGTH[r["strength"]],
                              when=CONSULT_WHEN if consult else WHEN[r["urgency"]]))
    return {"warnings": list(dict.fromkeys(warnings)), "planned": planned, "items": open_,
            "decided": bool(latest),
            "next": "Your care team will talk these options through with you. Nothing is "
                    "decided until you have discussed it together, and you can ask questions "
                    "or decline any treatment."}


CONSULT_TEXT: Final = ("A meeting with a spine surgeon, who will look at your scans and talk "
                       "with you about whether an operation could help. Seeing the surgeon "
                       "does not mean you will have an operation.")
CONSULT_WHEN: Final = "The team will arrange this appointment."


def _plain_reason(rec: RecommendationDoc, consult: bool = False) -> str:
    where = f" at {rec['lesion']}" if rec.get("lesion") else ""
    if consult:
        return f"It is suggested to check whether the spine is strong and stable{where}."
    reasons = {
        "radiotherapy": f"to ease pain and control the cancer{where}",
        "bone-modifying-agent": "to protect your bones from fractures and other problems",
        "interventional": f"to ease pain{where}",
        "surgery": f"to make the bone or spine stronger and safer{where}",
        "radiopharmaceutical": "to treat several painful bone areas at once",
        "systemic-therapy": "to treat the cancer throughout the body",
        "supportive-care": "to keep you comfortable and safe",
    }
    return "It is suggested " + reasons[rec["modality"]] + "."
