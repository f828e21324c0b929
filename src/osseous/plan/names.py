"""What each rule of the plan decides, in words: for text a person reads (work-up reasons, the
pages, the CLI); the trace and the JSON keep the rule ids."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from osseous.scores.catalog import SCORES

#: the rules of the plan engine by what they decide (the trace keeps the ids)
RULE_WORDS: Final = MappingProxyType({
    "alert.mescc": "the cord-compression alert", "alert.hypercalcemia": "the high-calcium alert",
    "alert.impending-fracture": "the fracture alert",
    "alert.spinal-instability": "the spinal-instability alert",
    "alert.hypocalcemia-denosumab": "the low-calcium check before denosumab",
    "alert.hypocalcemia-bisphosphonate": "the low-calcium check before a bisphosphonate",
    "alert.future-dates": "the check on dates after the assessment",
    "alert.hypocalcemia": "the low-calcium alert", "alert.cytopenia": "the low-count alert",
    "alert.bisphosphonate-renal": "the kidney check before a bisphosphonate",
    "alert.dental-before-bma": "the dental check before a bone-modifying agent",
    "bma.agents": "the choice of bone-modifying agent",
    "ir.vertebral-augmentation": "vertebral augmentation", "ir.cementoplasty": "cementoplasty",
    "ir.ablation": "tumour ablation", "rp.radium-223": "radium-223",
    "rp.samarium-strontium": "samarium or strontium", "rp.lutetium-psma": "lutetium-PSMA",
    "rt.spine": "radiotherapy to the spine", "rt.uncomplicated": "radiotherapy for bone pain",
    "rt.sbrt-selected": "stereotactic radiotherapy (SBRT)",
    "rt.oligometastatic": "radiotherapy for few metastases (oligometastatic)",
    "rt.reirradiation": "re-irradiation", "rt.postoperative": "radiotherapy after surgery",
    "rt.extended-fractionation": "the check on long radiotherapy courses",
    "supportive.dexamethasone": "dexamethasone", "supportive.hypercalcemia":
    "treatment of high calcium", "supportive.hypocalcemia": "treatment of low calcium",
    "supportive.analgesia": "pain relief",
    "supportive.pain-follow-up": "pain follow-up",
    "surgery.spinal-decompression": "spinal decompression",
    "surgery.spinal-stabilization": "spinal stabilisation",
    "surgery.long-bone-fixation": "fixation of a long bone",
    "systemic.categories": "systemic therapy"})
FAMILY_OF_RULE: Final = MappingProxyType({
    "alert": "an alert", "bma": "bone-modifying agents", "ir": "interventional radiology",
    "rp": "radiopharmaceuticals", "rt": "radiotherapy", "supportive": "supportive care",
    "surgery": "surgery", "systemic": "systemic therapy"})
#: scores by their full names
SCORE_NAMES: Final = MappingProxyType({s.id: s.name for s in SCORES})


def rule_words(rule_id: str, score_names: Mapping[str, str] = SCORE_NAMES) -> str:
    """What a rule or score decides, in words (a rule added later reads by its family);
    ``score_names`` lets a page use the short names of the scores."""
    if rule_id in RULE_WORDS:
        return RULE_WORDS[rule_id]
    if rule_id in score_names:
        return score_names[rule_id]
    family = rule_id.split(".", 1)[0]
    return FAMILY_OF_RULE.get(
        family, rule_id.rsplit(".", 1)[-1].replace("_", " ").replace("-", " "))
