"""What a score's band means and the step it usually leads to, and the results of the formulas
in words: shared by the calculator pages, the PDF and the CLI text.

Each meaning restates the source the score cites (its ``references``); the next step is the
one the source or the guideline the plan follows attaches to the band, worded as an option for
the team, never as an order. Bands without a published action say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from osseous.report import labels

_SURVIVAL_NEXT: Final = ("Read it beside the other survival scores and the clinician's "
                         "estimate; no score alone decides treatment.")

#: (score, band) -> (what it means, the usual next step); sources are the score's references
MEANING: Final = MappingProxyType({
    ("sins", "stable"): ("The spine is judged stable (0-6 points; Fisher 2010, Fourney 2011).",
                         "No surgical opinion is needed for stability."),
    ("sins", "potentially-unstable"): (
        "Indeterminate stability (7-12 points; Fisher 2010).",
        "A spinal surgical opinion is advised (Fourney 2011: scores of 7 or more)."),
    ("sins", "unstable"): ("Mechanical instability (13-18 points; Fisher 2010).",
                           "A spinal surgical opinion is needed: stabilisation is considered "
                           "(NOMS mechanical arm)."),
    ("escc", "low-grade"): ("No or low-grade epidural compression (Bilsky 0-1b).",
                            "Radiotherapy is usually the treatment of the tumour (NOMS)."),
    ("escc", "intermediate"): ("Compression touching the cord without deforming it "
                               "(Bilsky 1c).", "Managed as low-grade or high-grade by "
                               "radiosensitivity and the team's judgement (NOMS)."),
    ("escc", "high-grade"): ("The cord is compressed (Bilsky 2-3).",
                             "Separation surgery before radiotherapy for radioresistant "
                             "tumours in a fit patient; radiotherapy for radiosensitive ones "
                             "(NOMS, Bilsky 2010)."),
    ("mirels", "low"): ("Low risk of fracture (7 or less; 0-4% in Mirels 1989).",
                        "Radiotherapy without fixation."),
    ("mirels", "borderline"): ("Borderline (8 points; 15% in Mirels 1989).",
                               "Clinical judgement: discuss prophylactic fixation."),
    ("mirels", "high"): ("High risk of fracture (9 or more; 33% or more in Mirels 1989).",
                         "Prophylactic fixation before radiotherapy, if fit for surgery."),
    ("tokuhashi-revised", "lt-6-months"): ("0-8 points: expected survival under 6 months "
                                           "(Tokuhashi 2005).",
                                           "Conservative or palliative treatment."),
    ("tokuhashi-revised", "gte-6-months"): ("9-11 points: 6 months or more (Tokuhashi 2005).",
                                            "Palliative surgery may be considered."),
    ("tokuhashi-revised", "gte-12-months"): ("12-15 points: 1 year or more "
                                             "(Tokuhashi 2005).",
                                             "Excisional surgery may be considered."),
    ("tomita", "long-term"): ("2-3 points (Tomita 2001).", "Wide or marginal excision for "
                              "long-term local control may be considered."),
    ("tomita", "middle-term"): ("4-5 points (Tomita 2001).",
                                "Marginal or intralesional excision for middle-term control."),
    ("tomita", "short-term"): ("6-7 points (Tomita 2001).", "Palliative surgery."),
    ("tomita", "terminal-care"): ("8-10 points (Tomita 2001).", "Supportive care."),
    # International Consensus pain response (Chow 2012: the definitions; it assesses at 1, 2
    # and 3 months); re-irradiation of pain that did not respond or came back: NCIC SC.20
    # (Chow 2014: 8 Gy in 1 fraction against 20 Gy in 5 or 8; overall response at 2 months
    # 28% and 32% by intention to treat, guidelines.md 1.5; no superiority claimed here)
    ("pain-response", "complete"): (
        "No pain at the treated site (0 of 10) without more opioids than before "
        "radiotherapy (International Consensus, Chow 2012).",
        "Nothing to change for this site; ask again at the next follow-up (the consensus "
        "assesses at 1, 2 and 3 months)."),
    ("pain-response", "partial"): (
        "Pain down by 2 points or more without more opioids, or opioids down by a quarter "
        "or more without more pain (International Consensus, Chow 2012).",
        "A response: ask again at the next follow-up. Pain that persists or comes back can "
        "be treated with radiotherapy again (the SC.20 trial compared 8 Gy in one fraction "
        "with 20 Gy in 5 or 8 fractions for it; Chow 2014)."),
    ("pain-response", "progression"): (
        "Pain up by 2 points or more with the same opioids, or opioids up by a quarter or "
        "more with pain the same or 1 point higher (International Consensus, Chow 2012).",
        "Look for the cause at the site (fracture, cord compression, growth of the tumour) "
        "and discuss with the team: further radiotherapy (SC.20 trial, Chow 2014), surgery "
        "or a change of analgesia."),
    ("pain-response", "indeterminate"): (
        "Neither a response nor progression: any other change of pain and opioids "
        "(International Consensus, Chow 2012).",
        "No action is attached to this category by its source; ask again at the next "
        "follow-up."),
})


def meaning(score_id: str, band: str | None) -> tuple[str, str]:
    """What the band means and the usual next step (survival scores: read beside the others)."""
    if band is None:
        return ("Incomplete: the band is withheld until every input is known.",
                "Complete the missing inputs listed.")
    found = MEANING.get((score_id, band))
    if found is not None:
        return found
    return (f"{labels.score(score_id)}: {labels.band(score_id, band)}.", _SURVIVAL_NEXT
            if score_id in ("bauer", "bauer-modified", "katagiri-new", "nesms", "chow-nrf",
                            "teachh") else "No action is attached to this value by its source.")


#: the fields of the formula results in words, with their units
RESULT: Final = MappingProxyType({
    "bed_gy": ("BED", "Gy"), "eqd2_gy": ("EQD2", "Gy"),
    "dose_per_fraction_gy": ("Dose per fraction", "Gy"), "alpha_beta_gy": ("Alpha/beta", "Gy"),
    "crcl_ml_min": ("Creatinine clearance", "mL/min"), "dose_mg": ("Dose", "mg"),
    "volume_ml": ("Volume to draw", "mL"), "reason": ("Why", ""),
    "weight_kg": ("Weight", "kg"), "activity_kbq": ("Activity", "kBq"),
    "activity_mbq": ("Activity", "MBq"), "days_from_reference": ("Days from the reference "
                                                                  "date", ""),
    "decay_factor": ("Decay factor", ""), "withhold": ("Withhold", ""),
    "rise_mg_dl": ("Rise of creatinine", "mg/dL"), "threshold_mg_dl": ("Withhold threshold",
                                                                       "mg/dL"),
    "resume_at_or_below_mg_dl": ("Resume at or below", "mg/dL"),
    "all_within": ("Every check within its limit", ""),
})


def _shown(key: str, v: Any) -> str:
    if key == "activity_per_kg" and isinstance(v, Mapping):
        return f"{labels.value(v.get('value'))} {v.get('unit', '')}".strip()
    if v is None:
        return "not calculated (input not given)"
    unit = RESULT.get(key, ("", ""))[1]
    return f"{labels.value(v)} {unit}".strip()


def formula_rows(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The result of a formula as (label, value) rows; the checks of the cord dose one each."""
    rows: list[tuple[str, str]] = []
    for key, v in result.items():
        if key in ("references", "notes"):
            continue
        if key == "checks":
            for c in v:
                state = {True: "within", False: "OVER the limit", None: "cannot be judged"}[
                    c.get("within")]
                name = str(c["name"])
                rows.append((name[:1].upper() + name[1:],
                             f"{labels.value(c['value'])} {c['unit']} against a limit of "
                             f"{labels.value(c['limit'])} {c['unit']}: {state} "
                             f"({c['source']})"))
            continue
        label = RESULT.get(key, (labels.words(key), ""))[0]
        if key == "activity_per_kg":
            label = "Activity per kilogram"
        rows.append((label, _shown(key, v)))
    rows.extend(("Note", str(n)) for n in result.get("notes") or ())
    return rows
