"""A plain-language summary of the plan, written for the patient: what each option is, why it
is suggested, and what happens next. Built from the assessment document; it adds no advice of
its own and keeps the clinician's strength words in plain terms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

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


@dataclass(frozen=True, slots=True)
class Item:
    heading: str
    what: str
    why: str
    strength: str
    when: str


def summarise(assessment: dict[str, Any]) -> dict[str, Any]:
    """The patient summary as headings and short paragraphs (rendered by the templates)."""
    warnings = [ALERT[a["id"]] for a in assessment.get("alerts", []) if a["id"] in ALERT]
    items = []
    for r in assessment.get("recommendations", []):
        if r["strength"] == "not-recommended":
            continue
        items.append(Item(heading=r["title"], what=EXPLAIN[r["modality"]],
                          why=_plain_reason(r), strength=STRENGTH[r["strength"]],
                          when=WHEN[r["urgency"]]))
    return {"warnings": list(dict.fromkeys(warnings)), "items": items,
            "next": "Your care team will talk these options through with you. Nothing is "
                    "decided until you have discussed it together, and you can ask questions "
                    "or decline any treatment."}


def _plain_reason(rec: dict[str, Any]) -> str:
    where = f" at {rec['lesion']}" if rec.get("lesion") else ""
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
