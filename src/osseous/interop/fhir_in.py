"""FHIR R4 / mCODE in: a patient Bundle (or a list of resources) to an ``osseous.case/1`` document.

Input is read leniently, as plain dicts: real EHR exports carry missing fields, wrong types,
duplicate entries and dangling references, and none of that makes the import fail. Output is
strict: every value put into the case is validated with the case model, and the returned case
passes :func:`osseous.core.validation.parse_case`.

Nothing is guessed. A fact that cannot be mapped exactly stays absent (unknown) and is listed in
the :class:`MappingReport` with the reason, so that a clinician can see what the EHR held and what
Osseous made of it:

* ``used``: each value taken, with the resource it came from and the case field it went to;
* ``ignored``: resources that Osseous does not use (tumour markers, staging, encounters, …),
  superseded or duplicated observations;
* ``unmapped``: facts that matter to Osseous but could not be mapped (a bone metastasis whose
  site is not coded, an ECOG of -1, a unit the case format does not accept, …).

Codes follow the project's interop reference: mCODE profiles (PrimaryCancerCondition,
SecondaryCancerCondition, ECOG/Karnofsky performance status, RadiotherapyCourseSummary), SNOMED CT
94222008 (secondary malignant neoplasm of bone), ICD-10-CM C79.51/C79.52, LOINC 89247-1 (ECOG)
and 89243-0 (Karnofsky) with the answer lists LL529-9 and LL4986-7.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from pydantic import ValidationError

from osseous.core.case import CASE_FORMAT, SPINAL_LEVELS, Case
from osseous.core.errors import InvalidInput
from osseous.core.units import ANALYTES
from osseous.core.validation import parse_case, problems_from

__all__ = ["MappingReport", "MappingResult", "bundle_to_case"]

Json = dict[str, Any]

# --------------------------------------------------------------------------------------------
# result types


@dataclass(frozen=True)
class MappingReport:
    """What the import used, ignored, and could not map, one entry per fact or resource."""

    used: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "used": [dict(e) for e in self.used],
            "ignored": [dict(e) for e in self.ignored],
            "unmapped": [dict(e) for e in self.unmapped],
        }


@dataclass(frozen=True)
class MappingResult:
    """An ``osseous.case/1`` document (valid for ``parse_case``) and the mapping report."""

    case: dict[str, Any]
    report: MappingReport


# --------------------------------------------------------------------------------------------
# code tables

SNOMED: Final = "sct"
LOINC: Final = "loinc"
ICD10: Final = "icd10"
RXNORM: Final = "rxnorm"

_MCODE_PRIMARY: Final = "primary-cancer-condition"
_MCODE_SECONDARY: Final = "secondary-cancer-condition"
_MCODE_ECOG: Final = "ecog-performance-status"
_MCODE_KARNOFSKY: Final = "karnofsky-performance-status"
_RT_COURSE_PROFILE: Final = "radiotherapy-course-summary"
_RT_COURSE_CODE: Final = "1217123003"

#: Sentinel of the code tables: lung cancer without NSCLC/SCLC (resolved from histology text).
_LUNG: Final = "lung"

#: SNOMED CT primary cancer disorders (each checked against a published code/display pair).
_SNOMED_PRIMARY: Final[dict[str, str]] = {
    "254837009": "breast",  # Malignant neoplasm of breast
    "372137005": "breast",  # Primary malignant neoplasm of breast
    "408643008": "breast",  # Infiltrating duct carcinoma of breast
    "399068003": "prostate",  # Malignant tumor of prostate
    "254637007": "lung-nsclc",  # Non-small cell lung cancer
    "254632001": "lung-sclc",  # Small cell carcinoma of lung
    "363358000": _LUNG,  # Malignant tumor of lung
    "93880001": _LUNG,  # Primary malignant neoplasm of lung
    "109989006": "myeloma",  # Multiple myeloma
    "118600007": "lymphoma",  # Malignant lymphoma
    "363406005": "colon",  # Malignant neoplasm of colon
    "363349007": "stomach",  # Malignant tumor of stomach
    "363418001": "pancreas",  # Malignant tumor of pancreas
    "363354003": "cervix",  # Malignant tumor of cervix
}

#: SNOMED CT secondary malignant neoplasm disorders -> "bone", "brain" or a visceral site.
_SNOMED_SECONDARY: Final[dict[str, str]] = {
    "94222008": "bone",  # Secondary malignant neoplasm of bone
    "94217008": "bone",  # Secondary malignant neoplasm of bone marrow
    "94381002": "liver",
    "94391008": "lung",
    "94181007": "lymph-node",  # axillary lymph nodes
    "94225005": "brain",
    "94493005": "pleura",
    "94161006": "adrenal",
}
#: "Secondary malignant neoplastic disease": the site comes from bodySite.
_SNOMED_SECONDARY_GENERIC: Final = frozenset({"128462008"})

#: ICD-10-CM categories (the letter C and two digits) of primary cancers.
_ICD_PRIMARY_RANGES: Final[tuple[tuple[int, int, str], ...]] = (
    (0, 14, "head-and-neck"), (15, 15, "esophagus"), (16, 16, "stomach"), (18, 18, "colon"),
    (19, 20, "rectum"), (22, 22, "liver"), (23, 23, "gallbladder"), (25, 25, "pancreas"),
    (30, 32, "head-and-neck"), (34, 34, _LUNG), (43, 43, "melanoma"), (50, 50, "breast"),
    (53, 53, "cervix"), (54, 55, "uterus"), (56, 56, "ovary"), (61, 61, "prostate"),
    (64, 65, "kidney"), (67, 67, "bladder"), (73, 73, "thyroid"), (80, 80, "unknown-primary"),
    (81, 85, "lymphoma"),
)
#: ICD-10-CM secondary codes (dots removed, prefix match, longest first) -> site.
_ICD_SECONDARY: Final[tuple[tuple[str, str], ...]] = (
    ("C7B03", "bone"), ("C7951", "bone"), ("C7952", "bone"), ("C795", "bone"),
    ("C7931", "brain"), ("C797", "adrenal"), ("C787", "liver"), ("C786", "peritoneum"),
    ("C782", "pleura"), ("C780", "lung"), ("C77", "lymph-node"),
)

#: Body-site SNOMED CT codes (mCODE TG263 map and the fixtures' own displays).
_SNOMED_BONE_SITES: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "71341001": ("femur", ()),
    "85050009": ("humerus", ()),
    "113197003": ("rib", ()),
    "73438004": ("rib", ()),
    "118645006": ("pelvis", ()),
    "719537008": ("acetabulum", ()),  # Bone structure of right acetabulum
    "3572006": ("spine", ()),  # Vertebral body
    "122496007": ("spine", ()),  # Structure of lumbar vertebral column
    "61032001": ("spine", ("L1",)),
}
_SNOMED_VISCERAL_SITES: Final[dict[str, str]] = {
    "10200004": "liver",
    "39607008": "lung",
    "12738006": "brain",
    "8935007": "meninges",  # Cerebral meninges structure
}

_BONE_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"femur|femoral", "femur"),
    (r"humerus|humeral", "humerus"),
    (r"tibia|tibial", "tibia"),
    (r"fibula|fibular", "fibula"),
    (r"radius", "radius"),
    (r"ulna|ulnar", "ulna"),
    (r"acetabulum|acetabular", "acetabulum"),
    (r"pelvis|pelvic|ilium|iliac|ischium|ischial|pubis|pubic", "pelvis"),
    (r"sacrum|sacral", "sacrum"),
    (r"ribs?|costal", "rib"),
    (r"sternum|sternal", "sternum"),
    (r"scapula|scapular", "scapula"),
    (r"clavicle|clavicular", "clavicle"),
    (r"skull|cranium|calvarium|calvaria", "skull"),
    (r"spine|spinal|vertebra|vertebrae|vertebral", "spine"),
)
_VISCERAL_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"meninges|meningeal|leptomeningeal", "meninges"),
    (r"brain|cerebral", "brain"),
    (r"liver|hepatic", "liver"),
    (r"lungs?|pulmonary", "lung"),
    (r"adrenal", "adrenal"),
    (r"lymph nodes?|nodal", "lymph-node"),
    (r"pleura|pleural", "pleura"),
    (r"peritoneum|peritoneal", "peritoneum"),
)
#: Primary site words, used only on conditions profiled as mCODE PrimaryCancerCondition.
_PRIMARY_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"breast", "breast"),
    (r"prostate|prostatic", "prostate"),
    (r"colon|colonic", "colon"),
    (r"rectum|rectal", "rectum"),
    (r"stomach|gastric", "stomach"),
    (r"esophagus|esophageal|oesophagus|oesophageal", "esophagus"),
    (r"pancreas|pancreatic", "pancreas"),
    (r"gallbladder|gall bladder", "gallbladder"),
    (r"liver|hepatocellular", "liver"),
    (r"urinary bladder|bladder", "bladder"),
    (r"endometrium|endometrial|uterus|uterine", "uterus"),
    (r"cervix uteri|cervix", "cervix"),
    (r"ovary|ovarian", "ovary"),
    (r"thyroid", "thyroid"),
    (r"kidney|renal", "kidney"),
    (r"melanoma", "melanoma"),
    (r"myeloma", "myeloma"),
    (r"lymphoma", "lymphoma"),
    (r"unknown primary|primary unknown", "unknown-primary"),
    (r"lung|bronchus|bronchial", _LUNG),
)

LOINC_ECOG: Final = "89247-1"
LOINC_KARNOFSKY: Final = "89243-0"
LOINC_WEIGHT: Final = "29463-7"
LOINC_HEIGHT: Final = "8302-2"

#: LOINC answer list LL529-9 (ECOG); LA9627-6 is grade 5, dead.
_ECOG_ANSWERS: Final[dict[str, int]] = {
    "LA9622-7": 0, "LA9623-5": 1, "LA9624-3": 2, "LA9625-0": 3, "LA9626-8": 4, "LA9627-6": 5,
}
#: LOINC answer list LL4986-7 (Karnofsky); LA9627-6 is 0, dead.
_KARNOFSKY_ANSWERS: Final[dict[str, int]] = {
    "LA29175-9": 100, "LA29176-7": 90, "LA29177-5": 80, "LA29178-3": 70, "LA29179-1": 60,
    "LA29180-9": 50, "LA29181-7": 40, "LA29182-5": 30, "LA29183-3": 20, "LA29184-1": 10,
    "LA9627-6": 0,
}

#: LOINC -> Osseous analyte.
_LAB_LOINC: Final[dict[str, str]] = {
    "2160-0": "creatinine", "38483-4": "creatinine", "14682-9": "creatinine",
    "1751-7": "albumin",
    "17861-6": "calcium", "2000-8": "calcium",
    "1994-3": "ionized-calcium",
    "1988-5": "crp",
    "2532-0": "ldh", "14804-9": "ldh",
    "777-3": "platelets", "26515-7": "platelets",
    "751-8": "anc", "26499-4": "anc",
    "718-7": "hemoglobin",
    "1975-2": "bilirubin",
    "6768-6": "alkaline-phosphatase",
    "2857-1": "psa",
}

#: Spellings of units -> the case format's spelling (then matched case-insensitively).
_UNIT_SPELLINGS: Final[dict[str, str]] = {
    "µmol/l": "umol/L", "μmol/l": "umol/L",
    "10^9/l": "10*9/L", "10^3/ul": "10*3/uL", "10*3/µl": "10*3/uL", "10*3/μl": "10*3/uL",
    "10^3/µl": "10*3/uL", "[iu]/l": "IU/L", "µg/l": "ug/L", "μg/l": "ug/L",
}
_WEIGHT_UNITS: Final[dict[str, float]] = {
    "kg": 1.0, "g": 0.001, "[lb_av]": 0.45359237, "lb": 0.45359237, "lbs": 0.45359237,
}
_HEIGHT_UNITS: Final[dict[str, float]] = {"cm": 1.0, "m": 100.0, "[in_i]": 2.54, "in": 2.54}

_SEX: Final = frozenset({"female", "male", "other", "unknown"})

#: Recognised drugs: pattern on the lower-cased name -> generic name in the case format.
_DRUGS: Final[tuple[tuple[str, str], ...]] = (
    (r"morphine|ms contin", "morphine"),
    (r"oxycodone|oxycontin", "oxycodone"),
    (r"hydromorphone|dilaudid", "hydromorphone"),
    (r"hydrocodone", "hydrocodone"),
    (r"oxymorphone", "oxymorphone"),
    (r"codeine", "codeine"),
    (r"tramadol", "tramadol"),
    (r"tapentadol", "tapentadol"),
    (r"methadone", "methadone"),
    (r"fentanyl|duragesic", "fentanyl"),
    (r"buprenorphine", "buprenorphine"),
    (r"zoledronic acid|zoledronate|zometa|reclast", "zoledronic-acid"),
    (r"pamidronate|pamidronic acid", "pamidronate"),
    (r"ibandronate|ibandronic acid", "ibandronate"),
    (r"denosumab|xgeva|prolia", "denosumab"),
    (r"radium[ -]?(ra[ -]?)?223|xofigo", "radium-223"),
    (r"samarium[ -]?(sm[ -]?)?153", "samarium-153"),
    (r"strontium[ -]?(sr[ -]?)?89|strontium chloride sr[ -]?89", "strontium-89"),
    (r"lutetium[ -]?(lu[ -]?)?177[ -]?(psma|vipivotide)|pluvicto", "lutetium-177-psma"),
    (r"abiraterone|zytiga", "abiraterone"),
    (r"enzalutamide|xtandi", "enzalutamide"),
    (r"apalutamide", "apalutamide"),
    (r"darolutamide", "darolutamide"),
    (r"dexamethasone", "dexamethasone"),
)
_OPIOIDS: Final = frozenset({
    "morphine", "oxycodone", "hydromorphone", "hydrocodone", "oxymorphone", "codeine",
    "tramadol", "tapentadol", "methadone", "fentanyl", "buprenorphine",
})
#: Words of an RxNorm display that end the ingredient name ("X Oral Product", "X 100 MG ...").
_DOSE_FORM_START: Final = re.compile(
    r"\s+(?=\d|oral\b|inject|injet|topical\b|transdermal\b|prefilled\b|tablet|capsule|"
    r"product\b|solution\b|pack\b|extended\b|delayed\b|chewable\b|patch\b|powder\b|"
    r"suspension\b|cartridge\b|auto-injector\b|pen\b)",
    re.IGNORECASE,
)
_SALTS: Final = frozenset({
    "hydrochloride", "hcl", "sulfate", "acetate", "citrate", "sodium", "potassium", "mesylate",
    "maleate", "tartrate", "phosphate", "besylate", "succinate", "fumarate", "bromide",
    "dihydrate", "monohydrate", "disodium", "calcium", "bitartrate",
})
_ROUTE_CODES: Final[dict[str, str]] = {
    "26643006": "oral", "45890007": "transdermal", "47625008": "intravenous",
    "34206005": "subcutaneous", "78421000": "intramuscular",
}
_ROUTE_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"oral|by mouth|po", "oral"),
    (r"transdermal", "transdermal"),
    (r"intravenous|iv", "intravenous"),
    (r"subcutaneous|subcut|sc", "subcutaneous"),
    (r"intramuscular|im", "intramuscular"),
)
_MED_STATUS: Final[dict[str, str | None]] = {
    "active": "active", "completed": "completed", "stopped": "stopped", "intended": "planned",
    "draft": "planned", "on-hold": None, "unknown": None,
}
_MED_SKIP_STATUS: Final = frozenset({"entered-in-error", "cancelled", "not-taken"})
#: HL7 timing abbreviations with an unambiguous number of administrations per day.
_TIMING_CODES: Final[dict[str, float]] = {
    "QD": 1, "BID": 2, "TID": 3, "QID": 4, "Q4H": 6, "Q6H": 4, "Q8H": 3, "Q12H": 2,
}
_MASS_TO_MG: Final[dict[str, float]] = {"mg": 1.0, "g": 1000.0, "ug": 0.001, "mcg": 0.001}
_RATE_UNITS: Final = frozenset({"ug/h", "mcg/h", "µg/h", "μg/h", "ug/hr", "mcg/hr"})

_CASE_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
_LEVEL: Final = re.compile(r"\b([OCTLS])(\d{0,2})\b")
_LEVEL_RANGE: Final = re.compile(
    r"\b([CTLS])(\d{1,2})\s*(?:-|–|to|through)\s*([CTLS]?)(\d{1,2})\b"
)

# --------------------------------------------------------------------------------------------
# small lenient readers


def _dict(value: object) -> Json:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _system(system: object) -> str:
    s = system.lower() if isinstance(system, str) else ""
    if "snomed" in s:
        return SNOMED
    if "loinc" in s:
        return LOINC
    if "icd-10" in s or "icd10" in s:
        return ICD10
    if "rxnorm" in s:
        return RXNORM
    return s


def _codings(concept: object) -> list[tuple[str, str, str]]:
    """(system kind, code, display) of each coding of a CodeableConcept, leniently."""
    out = []
    for coding in _list(_dict(concept).get("coding")):
        c = _dict(coding)
        code = _str(c.get("code"))
        if code is not None:
            out.append((_system(c.get("system")), code, _str(c.get("display")) or ""))
    return out


def _texts(concept: object) -> list[str]:
    """The text and each coding display of a CodeableConcept (text first)."""
    c = _dict(concept)
    texts = [t for t in [_str(c.get("text"))] if t]
    for coding in _list(c.get("coding")):
        display = _str(_dict(coding).get("display"))
        if display and display not in texts:
            texts.append(display)
    return texts


def _has_code(concept: object, code: str) -> bool:
    return any(c == code for _, c, _ in _codings(concept))


def _profiles(resource: Json) -> list[str]:
    return [p for p in _list(_dict(resource.get("meta")).get("profile")) if isinstance(p, str)]


def _has_profile(resource: Json, suffix: str) -> bool:
    return any(p.rstrip("/").split("|")[0].endswith(suffix) for p in _profiles(resource))


def _date(value: object) -> str | None:
    """The date part of a FHIR date/dateTime, only when it is a full calendar date."""
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}(T|$)", value):
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _effective(resource: Json) -> str | None:
    for key in ("effectiveDateTime", "effectiveInstant"):
        if key in resource:
            return _date(resource.get(key))
    period = _dict(resource.get("effectivePeriod"))
    if period:
        return _date(period.get("start")) or _date(period.get("end"))
    return _date(resource.get("issued"))


def _words(patterns: Iterable[tuple[str, str]], text: str) -> list[str]:
    lowered = text.lower()
    found: list[str] = []
    for pattern, value in patterns:
        if re.search(rf"\b(?:{pattern})\b", lowered) and value not in found:
            found.append(value)
    return found


def _ext(resource: Json, suffix: str) -> list[Json]:
    return [
        e for e in map(_dict, _list(resource.get("extension")))
        if isinstance(e.get("url"), str) and e["url"].endswith(suffix)
    ]


# --------------------------------------------------------------------------------------------
# the report and the case under construction


class _Builder:
    def __init__(self) -> None:
        self.used: list[dict[str, Any]] = []
        self.ignored: list[dict[str, Any]] = []
        self.unmapped: list[dict[str, Any]] = []
        self.patient: Json = {}
        self.cancer: Json = {}
        self.labs: list[Json] = []
        self.lesions: list[Json] = []
        self.medications: list[Json] = []
        self.lesion_sources: dict[str, list[str]] = {}  # condition reference -> lesion ids
        self.events: list[Json] = []
        self.bone_onsets: list[tuple[str, str]] = []  # (onset date, resource label)

    def use(self, label: str, path: str, value: object) -> None:
        self.used.append({"resource": label, "as": path, "value": value})

    def ignore(self, label: str, why: str) -> None:
        self.ignored.append({"resource": label, "why": why})

    def unmap(self, label: str, why: str) -> None:
        self.unmapped.append({"resource": label, "why": why})

    def report(self) -> MappingReport:
        return MappingReport(list(self.used), list(self.ignored), list(self.unmapped))


def _problem(fragment: Json) -> str | None:
    """Validate a case fragment with the case model; the problems as text, or None.

    The model alone is enough for a fragment (the whole case is checked with ``parse_case``
    at the end), and it is called once per mapped value, so it must stay cheap.
    """
    try:
        Case.model_validate(fragment)
    except ValidationError as exc:
        return "; ".join(str(p) for p in problems_from(exc)) or "invalid"
    return None


# --------------------------------------------------------------------------------------------
# collecting resources


@dataclass(frozen=True)
class _Res:
    label: str
    resource: Json
    refs: tuple[str, ...]  # "Type/id", fullUrl


def _flatten(bundle: object, b: _Builder) -> list[tuple[Json, str | None, str]]:
    """(resource, fullUrl, position) of every resource, nested Bundles opened."""
    out: list[tuple[Json, str | None, str]] = []

    def walk(entries: list[Any], where: str, depth: int) -> None:
        for i, entry in enumerate(entries):
            pos = f"{where}{i}"
            if not isinstance(entry, dict):
                b.unmap(f"entry {pos}", f"entry is not an object ({type(entry).__name__})")
                continue
            resource = entry.get("resource") if "resource" in entry else entry
            full_url = _str(entry.get("fullUrl")) if "resource" in entry else None
            if not isinstance(resource, dict) or not _str(resource.get("resourceType")):
                b.unmap(f"entry {pos}", "entry has no resource with a resourceType")
                continue
            if resource.get("resourceType") == "Bundle" and depth < 4:
                walk(_list(resource.get("entry")), f"{pos}.", depth + 1)
                continue
            out.append((resource, full_url, pos))

    if isinstance(bundle, list):
        walk(bundle, "", 0)
    elif isinstance(bundle, dict) and bundle.get("resourceType") == "Bundle":
        walk(_list(bundle.get("entry")), "", 0)
    elif isinstance(bundle, dict):
        walk([bundle], "", 0)
    else:
        b.unmap("input", f"expected a FHIR Bundle or a list of resources, got "
                         f"{type(bundle).__name__}")
    return out


def _collect(bundle: object, b: _Builder) -> list[_Res]:
    seen: dict[str, Json] = {}
    resources: list[_Res] = []
    for resource, full_url, pos in _flatten(bundle, b):
        rtype = str(resource["resourceType"]).strip()
        rid = _str(resource.get("id"))
        label = f"{rtype}/{rid}" if rid else f"{rtype} (entry {pos})"
        if rid:
            key = f"{rtype}/{rid}"
            if key in seen:
                if seen[key] == resource:
                    b.ignore(label, f"duplicate of an earlier entry (entry {pos})")
                else:
                    b.unmap(label, f"a different resource with the same id appears earlier; "
                                   f"only the first is used (entry {pos})")
                continue
            seen[key] = resource
        refs = tuple(r for r in (f"{rtype}/{rid}" if rid else None, full_url) if r)
        resources.append(_Res(label, resource, refs))
    return resources


# --------------------------------------------------------------------------------------------
# Patient


def _sanitise_id(raw: str) -> str | None:
    cleaned = re.sub(r"[^A-Za-z0-9._:-]", "-", raw).strip("-._:")
    if not cleaned:
        return None
    cleaned = f"fhir-{cleaned}"
    if len(cleaned) > 128:
        digest = hashlib.sha256(raw.encode()).hexdigest()[:12]
        cleaned = f"{cleaned[:115]}-{digest}"
    return cleaned if _CASE_ID.match(cleaned) else None


def _map_patient(res: _Res, b: _Builder) -> str | None:
    r = res.resource
    gender = r.get("gender")
    if gender is not None:
        if isinstance(gender, str) and gender in _SEX:
            b.patient["sex"] = gender
            b.use(res.label, "patient.sex", gender)
        else:
            b.unmap(res.label, f"gender {gender!r} is not female, male, other or unknown")
    if "birthDate" in r:
        birth = r.get("birthDate")
        full = _date(birth) if isinstance(birth, str) and len(birth) == 10 else None
        if full is not None and _problem({"patient": {"birth_date": full}}) is None:
            b.patient["birth_date"] = full
            b.use(res.label, "patient.birth_date", full)
        else:
            b.unmap(res.label, f"birthDate {birth!r} is not a full date (YYYY-MM-DD); "
                               "birth date and age left unknown")
    if "deceasedDateTime" in r:
        died = _date(r.get("deceasedDateTime"))
        event: Json = {"type": "death"}
        if died is None:
            b.unmap(res.label, f"deceasedDateTime {r.get('deceasedDateTime')!r} is not a full "
                               "date: the death is recorded without a date")
        else:
            event["date"] = died
        b.events.append(event)
        b.use(res.label, "events", dict(event))
    elif r.get("deceasedBoolean") is True:
        b.events.append({"type": "death"})
        b.use(res.label, "events", {"type": "death"})
    rid = _str(r.get("id"))
    return _sanitise_id(rid) if rid else None


# --------------------------------------------------------------------------------------------
# Conditions


@dataclass
class _Primary:
    label: str
    refs: tuple[str, ...]
    primary: str | None
    why: str | None
    diagnosed_on: str | None
    histology: str | None


def _icd_norm(code: str) -> str:
    return code.upper().replace(".", "").strip()


def _icd_primary(code: str) -> str | None:
    c = _icd_norm(code)
    if c.startswith("C7A0"):
        return "carcinoid"
    if c.startswith("C900"):
        return "myeloma"
    m = re.match(r"^C(\d{2})", c)
    if not m:
        return None
    n = int(m.group(1))
    for lo, hi, value in _ICD_PRIMARY_RANGES:
        if lo <= n <= hi:
            return value
    return None


def _icd_secondary(code: str) -> str | None:
    c = _icd_norm(code)
    for prefix, site in _ICD_SECONDARY:
        if c.startswith(prefix):
            return site
    if c.startswith(("C77", "C78", "C79", "C7B")):
        return "unspecified"
    return None


def _secondary_kind(concept: object) -> str | None:
    """The site of a secondary-cancer code: a site, "unspecified", or None if not secondary."""
    for system, code, _ in _codings(concept):
        if system == SNOMED and code in _SNOMED_SECONDARY:
            return _SNOMED_SECONDARY[code]
        if system == SNOMED and code in _SNOMED_SECONDARY_GENERIC:
            return "unspecified"
        if system == ICD10:
            site = _icd_secondary(code)
            if site is not None:
                return site
    return None


def _primary_from_codes(concept: object) -> tuple[str | None, str]:
    """(primary or _LUNG or None, the code that was read)."""
    for system, code, _ in _codings(concept):
        if system == SNOMED and code in _SNOMED_PRIMARY:
            return _SNOMED_PRIMARY[code], f"SNOMED {code}"
        if system == ICD10:
            value = _icd_primary(code)
            if value is not None:
                return value, f"ICD-10-CM {code}"
    return None, ""


def _histology(r: Json) -> tuple[str | None, bool]:
    """(histology text from mCODE histologyMorphologyBehavior, whether it was coded at all)."""
    for ext in _ext(r, "histology-morphology-behavior"):
        texts = _texts(ext.get("valueCodeableConcept"))
        if texts:
            return texts[0], True
        return None, True
    return None, False


def _resolve_lung(texts: list[str]) -> str | None:
    joined = " ".join(texts).lower()
    if re.search(r"non[- ]?small[- ]cell|\bnsclc\b", joined):
        return "lung-nsclc"
    if re.search(r"\bsmall[- ]cell|\bsclc\b", joined):
        return "lung-sclc"
    return None


def _classify_primary(res: _Res, profiled: bool) -> _Primary | None:
    r = res.resource
    code = r.get("code")
    value, read = _primary_from_codes(code)
    histology, histology_coded = _histology(r)
    why: str | None = None
    if value is None and profiled:
        texts = _texts(code)
        words = _words(_PRIMARY_WORDS, " ".join(texts)) if texts else []
        if len(words) == 1:
            value, read = words[0], f"text {texts[0]!r}"
        elif len(words) > 1:
            why = f"primary cancer text {texts[0]!r} names several sites: {', '.join(words)}"
        elif not _codings(code) and not texts:
            why = "primary cancer condition has no code"
        else:
            shown = ", ".join(f"{s} {c}" for s, c, _ in _codings(code)) or repr(texts[0])
            why = f"primary cancer code {shown} is not in Osseous's primary-site table"
    if value is None and not profiled:
        return None
    if value == _LUNG:
        resolved = _resolve_lung([*_texts(code), *([histology] if histology else [])])
        if resolved is None:
            why = (f"lung cancer ({read}) without a stated histology: NSCLC versus SCLC is "
                   "unknown, so cancer.primary is left unknown")
            value = None
        else:
            value = resolved
    onset = r.get("onsetDateTime")
    diagnosed_on = _date(onset)
    prim = _Primary(res.label, res.refs, value, why, diagnosed_on, histology)
    if onset is not None and diagnosed_on is None:
        prim.why = (prim.why + "; " if prim.why else "") + (
            f"onsetDateTime {onset!r} is not a full date; diagnosis date left unknown")
    if histology is None and histology_coded:
        prim.why = (prim.why + "; " if prim.why else "") + (
            "histology is coded without a text or display; histology left unknown")
    return prim


def _bone_site(concept: object) -> tuple[str, tuple[str, ...]] | str:
    """("spine", levels) / (bone site, ()) for a body site, or the reason it does not map."""
    for system, code, _ in _codings(concept):
        if system == SNOMED and code in _SNOMED_BONE_SITES:
            site, levels = _SNOMED_BONE_SITES[code]
            if site == "spine" and not levels:
                found = _levels(" ".join(_texts(concept)))
                if isinstance(found, tuple) and found:
                    return "spine", found
            return site, levels
    texts = _texts(concept)
    if not texts:
        shown = ", ".join(f"{s} {c}" for s, c, _ in _codings(concept))
        return f"body site {shown or '(empty)'} is not coded as a bone or spinal level"
    for text in texts:
        stated = _levels(text)
        if isinstance(stated, str):
            return stated
        sites = [s for s in _words(_BONE_WORDS, text) if s != "spine"]
        if stated:
            if [s for s in sites if s != "sacrum"]:
                return f"body site {text!r} names both spinal levels and {', '.join(sites)}"
            return "spine", stated
        if len(sites) == 1:
            return sites[0], ()
        if len(sites) > 1:
            return f"body site {text!r} names several bones: {', '.join(sites)}"
        if _words(_BONE_WORDS, text):
            return "spine", ()
    return f"body site {texts[0]!r} is not a bone or spinal level Osseous recognises"


def _levels(text: str) -> tuple[str, ...] | str:
    """Spinal levels stated in text ("T10", "T8-T9", "T12-L2"), in order; a reason if odd."""
    found: list[str] = []
    order = list(SPINAL_LEVELS)
    spans: list[tuple[int, int]] = []
    for m in _LEVEL_RANGE.finditer(text):
        start = f"{m.group(1)}{int(m.group(2))}"
        end = f"{m.group(3) or m.group(1)}{int(m.group(4))}"
        if start not in order or end not in order:
            return f"spinal range {m.group(0)!r} is not a valid range of levels"
        i, j = order.index(start), order.index(end)
        if j < i:
            return f"spinal range {m.group(0)!r} runs backwards"
        found.extend(order[i:j + 1])
        spans.append(m.span())
    for m in _LEVEL.finditer(text):
        if any(a <= m.start() < z for a, z in spans) or not m.group(2):
            continue
        level = f"{m.group(1)}{int(m.group(2))}"
        if level in order:
            found.append(level)
    unique = sorted(set(found), key=order.index)
    return tuple(unique)


def _visceral_site(concept: object) -> str | None:
    for system, code, _ in _codings(concept):
        if system == SNOMED and code in _SNOMED_VISCERAL_SITES:
            return _SNOMED_VISCERAL_SITES[code]
    words = _words(_VISCERAL_WORDS, " ".join(_texts(concept)))
    return words[0] if len(words) == 1 else None


def _add_visceral(site: str, res: _Res, b: _Builder) -> None:
    if site == "brain":
        b.cancer["brain_metastases"] = True
        b.use(res.label, "cancer.brain_metastases", True)
        return
    if site == "meninges":
        b.unmap(res.label, "secondary neoplasm of the meninges: dural versus leptomeningeal "
                           "disease is not stated, so neither brain metastases nor "
                           "dissemination is recorded")
        return
    sites = b.cancer.setdefault("visceral_sites", [])
    if site not in sites:
        sites.append(site)
    b.use(res.label, "cancer.visceral_sites", site)


def _lesion_id(res: _Res, n: int, total: int) -> str:
    rid = _str(res.resource.get("id"))
    if rid:
        base = f"fhir-{rid}"
    else:
        base = f"fhir-condition-{hashlib.sha256(res.label.encode()).hexdigest()[:10]}"
    base = re.sub(r"[\x00-\x1f]", "", base)
    suffix = f"-{n + 1}" if total > 1 else ""
    if len(base) + len(suffix) > 64:
        digest = hashlib.sha256(base.encode()).hexdigest()[:10]
        base = f"{base[:64 - len(suffix) - 11]}-{digest}"
    return base + suffix


def _map_bone_secondary(res: _Res, b: _Builder) -> None:
    r = res.resource
    onset = _date(r.get("onsetDateTime"))
    if onset is not None:  # the earliest dated bone metastasis is the analyses' time origin
        b.bone_onsets.append((onset, res.label))
    sites = _list(r.get("bodySite"))
    mapped: list[tuple[str, tuple[str, ...]]] = []
    code_text = _str(_dict(r.get("code")).get("text"))
    if not sites and code_text:
        # no bodySite: a site stated in the condition's own text ("Metastasis to T10")
        found = _bone_site({"text": code_text})
        if not isinstance(found, str) and (found[0] != "spine" or found[1]):
            sites = [{"text": code_text}]
    if not sites:
        b.unmap(res.label, "bone metastasis without a body site: not coded as a bone or "
                           "spinal level, so no lesion is created")
        return
    for site in sites:
        found = _bone_site(site)
        if isinstance(found, str):
            b.unmap(res.label, found)
        elif found not in mapped:
            mapped.append(found)
    for n, (site, levels) in enumerate(mapped):
        lesion: Json = {"id": _lesion_id(res, n, len(mapped)), "site": site}
        if levels:
            lesion["levels"] = list(levels)
        if any(les["id"] == lesion["id"] for les in b.lesions):
            b.ignore(res.label, f"lesion {lesion['id']} already created")
            continue
        problem = _problem({"lesions": [lesion]})
        if problem:
            b.unmap(res.label, f"lesion {lesion} not valid: {problem}")
            continue
        b.lesions.append(lesion)
        for ref in res.refs:
            b.lesion_sources.setdefault(ref, []).append(lesion["id"])
        b.use(res.label, "lesions", dict(lesion))


def _map_secondary(res: _Res, kind: str | None, b: _Builder) -> None:
    r = res.resource
    verification = {c for _, c, _ in _codings(r.get("verificationStatus"))}
    if verification & {"refuted", "entered-in-error"}:
        b.ignore(res.label, f"verificationStatus {', '.join(sorted(verification))}")
        return
    clinical = {c for _, c, _ in _codings(r.get("clinicalStatus"))}
    if clinical & {"inactive", "resolved", "remission"}:
        b.unmap(res.label, f"secondary cancer with clinicalStatus {', '.join(sorted(clinical))}"
                           ": not counted as a current metastasis")
        return
    if kind == "bone":
        _map_bone_secondary(res, b)
        return
    if kind not in (None, "unspecified"):
        _add_visceral(kind, res, b)
        return
    # generic secondary code: the site comes from bodySite
    sites = _list(r.get("bodySite"))
    if not sites:
        b.unmap(res.label, "secondary cancer without a site (generic code, no bodySite)")
        return
    bone_sites = [s for s in sites if not isinstance(_bone_site(s), str)]
    if bone_sites:
        _map_bone_secondary(res, b)
        return
    for site in sites:
        visceral = _visceral_site(site)
        if visceral is not None:
            _add_visceral(visceral, res, b)
        else:
            shown = ", ".join(f"{s} {c}" for s, c, _ in _codings(site)) or repr(_texts(site))
            b.unmap(res.label, f"secondary cancer at body site {shown}: not recognised as bone "
                               "or a visceral site Osseous records")


def _map_conditions(conditions: list[_Res], b: _Builder) -> None:
    primaries: list[_Primary] = []
    secondaries: list[tuple[_Res, str | None]] = []
    for res in conditions:
        r = res.resource
        kind = _secondary_kind(r.get("code"))
        if _has_profile(r, _MCODE_SECONDARY) or kind is not None:
            if kind is None:
                texts = " ".join(_texts(r.get("code")))
                if re.search(r"\bbone\b", texts.lower()):
                    kind = "bone"
                else:
                    kind = _visceral_site(r.get("code"))
            secondaries.append((res, kind))
            continue
        prim = _classify_primary(res, _has_profile(r, _MCODE_PRIMARY))
        if prim is None:
            b.ignore(res.label, "condition is not a cancer Osseous maps")
        else:
            primaries.append(prim)
    _choose_primary(primaries, conditions, b)
    for res, kind in secondaries:
        _map_secondary(res, kind, b)


def _related_primaries(conditions: list[_Res]) -> set[str]:
    """References to primaries that bone secondary conditions name as their primary."""
    refs: set[str] = set()
    for res in conditions:
        if _secondary_kind(res.resource.get("code")) != "bone":
            continue
        for ext in [*_ext(res.resource, "related-primary-cancer-condition"),
                    *_ext(res.resource, "condition-related")]:
            ref = _str(_dict(ext.get("valueReference")).get("reference"))
            if ref:
                refs.add(ref)
    return refs


def _choose_primary(primaries: list[_Primary], conditions: list[_Res], b: _Builder) -> None:
    for p in primaries:
        if p.why:
            b.unmap(p.label, p.why)
    mapped = [p for p in primaries if p.primary is not None]
    values = {p.primary for p in mapped}
    if len(values) > 1:
        linked = _related_primaries(conditions)
        chosen = [p for p in mapped if set(p.refs) & linked]
        if len({p.primary for p in chosen}) == 1:
            for p in mapped:
                if p not in chosen:
                    b.unmap(p.label, f"another primary cancer ({p.primary}); the bone "
                                     "metastases are linked to the primary used")
            mapped = chosen
        else:
            for p in mapped:
                b.unmap(p.label, f"several primary cancers ({', '.join(sorted(map(str, values)))})"
                                 " and no bone metastasis links to one of them: "
                                 "cancer.primary left unknown")
            return
    if not mapped:
        return
    first = mapped[0]
    b.cancer["primary"] = first.primary
    b.use(first.label, "cancer.primary", first.primary)
    for p in mapped[1:]:
        b.ignore(p.label, f"another condition with the same primary ({p.primary})")
    dated = sorted((p.diagnosed_on, p.label) for p in mapped if p.diagnosed_on)
    if dated:
        b.cancer["diagnosed_on"] = dated[0][0]
        b.use(dated[0][1], "cancer.diagnosed_on", dated[0][0])
    for p in mapped:
        if p.histology:
            b.cancer["histology"] = p.histology
            b.use(p.label, "cancer.histology", p.histology)
            break


# --------------------------------------------------------------------------------------------
# Observations


@dataclass(frozen=True)
class _Candidate:
    label: str
    when: str | None
    value: float


def _observation_values(r: Json, answers: dict[str, int]) -> tuple[list[float], list[str]]:
    """Numbers given by the value[x] elements, and descriptions of values that are not numbers."""
    values: list[float] = []
    odd: list[str] = []
    for key in ("valueInteger", "valueDecimal"):
        if key in r:
            v = _number(r[key])
            if v is None:
                odd.append(f"{key} {r[key]!r}")
            else:
                values.append(v)
    if "valueQuantity" in r:
        v = _number(_dict(r["valueQuantity"]).get("value"))
        if v is None:
            odd.append("valueQuantity without a number")
        else:
            values.append(v)
    for key in ("valueCodeableConcept", "valueString"):
        if key not in r:
            continue
        raw = r[key]
        concept = raw if isinstance(raw, dict) else {"text": raw}
        v = _answer(concept, answers)
        if v is None:
            odd.append(f"{key} {(_texts(concept) or [repr(raw)])[0]!r}")
        else:
            values.append(v)
    return values, odd


def _answer(concept: object, answers: dict[str, int]) -> float | None:
    for _, code, _ in _codings(concept):
        if code in answers:
            return float(answers[code])
    for text in [_str(_dict(concept).get("text"))]:
        if text:
            m = re.fullmatch(r"(?:ecog|kps|karnofsky)?\s*(?:grade|score)?\s*:?\s*(\d{1,3})\s*%?",
                             text.strip().lower())
            if m:
                return float(m.group(1))
    return None


def _performance(res: _Res, scale: str, b: _Builder) -> _Candidate | None:
    r = res.resource
    answers = _ECOG_ANSWERS if scale == "ecog" else _KARNOFSKY_ANSWERS
    name = "ECOG" if scale == "ecog" else "Karnofsky"
    values, odd = _observation_values(r, answers)
    interpretation = [v for v in (_answer(i, answers) for i in _list(r.get("interpretation")))
                      if v is not None]
    if odd:
        b.unmap(res.label, f"{name} value not readable: {', '.join(odd)}")
        return None
    if not values:
        if not interpretation:
            b.unmap(res.label, f"{name} observation without a value")
            return None
        values = interpretation[:1]
    if len(set(values)) > 1:
        b.unmap(res.label, f"{name} observation gives conflicting values {sorted(set(values))}")
        return None
    value = values[0]
    if value != int(value):
        b.unmap(res.label, f"{name} {value} is not a whole number; not used")
        return None
    score = int(value)
    if scale == "ecog" and score == 5:
        b.unmap(res.label, "ECOG 5 (dead) is not a performance status Osseous records")
        return None
    problem = _problem({"patient": {scale: score}})
    if problem:
        extra = (f" (its interpretation code says {int(interpretation[0])}, which is not used "
                 "either)" if interpretation else "")
        if scale == "karnofsky" and 0 <= score <= 100:
            why = f"Karnofsky {score} is not a multiple of 10; invalid, not rounded"
        else:
            allowed = "0-4" if scale == "ecog" else "0-100 in steps of 10"
            why = f"{name} {score} is invalid (allowed {allowed}); not used"
        b.unmap(res.label, why + extra)
        return None
    if interpretation and int(interpretation[0]) != score:
        b.unmap(res.label, f"{name} value {score} disagrees with its interpretation code "
                           f"({int(interpretation[0])}); not used")
        return None
    return _Candidate(res.label, _effective(r), float(score))


def _pick_latest(cands: list[_Candidate], path: str, b: _Builder, as_int: bool) -> None:
    """The latest candidate by date wins; the others are reported as superseded."""
    if not cands:
        return
    ordered = sorted(cands, key=lambda c: c.when or "")
    latest_when = ordered[-1].when
    latest = [c for c in ordered if c.when == latest_when]
    if len({c.value for c in latest}) > 1:
        for c in latest:
            b.unmap(c.label, f"{path}: conflicting values on the same date "
                             f"({latest_when or 'undated'}); not used")
        for c in ordered[:-len(latest)]:
            b.ignore(c.label, f"{path}: older than the conflicting latest values")
        return
    winner = latest[-1]
    section, key = path.split(".")
    value: float | int = int(winner.value) if as_int else winner.value
    (b.patient if section == "patient" else b.cancer)[key] = value
    b.use(winner.label, path, value)
    for c in ordered:
        if c is not winner:
            b.ignore(c.label, f"{path}: superseded by {winner.label} "
                              f"({winner.when or 'undated'})")


def _quantity(r: Json) -> tuple[float, str, str | None] | str:
    """(value, unit as given, comparator) of valueQuantity, or why it is unusable."""
    q = r.get("valueQuantity")
    if not isinstance(q, dict):
        if any(k.startswith("value") for k in r):
            return "value is not a Quantity"
        return "no value"
    value = _number(q.get("value"))
    if value is None:
        return f"valueQuantity.value {q.get('value')!r} is not a number"
    unit = _str(q.get("code")) if "unitsofmeasure" in str(q.get("system", "")) else None
    unit = unit or _str(q.get("unit")) or _str(q.get("code"))
    if unit is None:
        return "valueQuantity has no unit"
    return value, unit, _str(q.get("comparator"))


def _lab_unit(analyte: str, unit: str) -> str | None:
    accepted = list(ANALYTES[analyte].factors)
    spelled = _UNIT_SPELLINGS.get(unit.lower(), unit)
    if spelled in accepted:
        return spelled
    matches = [a for a in accepted if a.lower() == spelled.lower()]
    return matches[0] if len(matches) == 1 else None


def _map_lab(res: _Res, analyte: str, loinc: str, b: _Builder) -> None:
    q = _quantity(res.resource)
    if isinstance(q, str):
        b.unmap(res.label, f"{analyte} (LOINC {loinc}): {q}")
        return
    value, unit, comparator = q
    if comparator:
        b.unmap(res.label, f"{analyte} {comparator}{value} {unit}: not an exact value")
        return
    case_unit = _lab_unit(analyte, unit)
    if case_unit is None:
        allowed = ", ".join(ANALYTES[analyte].factors)
        b.unmap(res.label, f"{analyte} unit {unit!r} is not one the case format accepts "
                           f"({allowed}); not converted")
        return
    lab: Json = {"analyte": analyte, "value": value, "unit": case_unit}
    when = _effective(res.resource)
    if when:
        lab["date"] = when
    problem = _problem({"labs": [lab]})
    if problem:
        b.unmap(res.label, f"{analyte} {value} {case_unit}: {problem}")
        return
    b.labs.append(lab)
    b.use(res.label, "labs", dict(lab))


def _body_measure(res: _Res, path: str, units: dict[str, float], b: _Builder
                  ) -> _Candidate | None:
    q = _quantity(res.resource)
    if isinstance(q, str):
        b.unmap(res.label, f"{path}: {q}")
        return None
    value, unit, comparator = q
    factor = units.get(unit) if unit in units else units.get(unit.lower())
    if comparator or factor is None:
        why = "not an exact value" if comparator else f"unit {unit!r} not recognised"
        b.unmap(res.label, f"{path} {value} {unit}: {why}")
        return None
    converted = round(value * factor, 1) if factor != 1.0 else value
    section, key = path.split(".")
    problem = _problem({section: {key: converted}})
    if problem:
        b.unmap(res.label, f"{path} {converted}: {problem}")
        return None
    return _Candidate(res.label, _effective(res.resource), converted)


def _map_observations(observations: list[_Res], b: _Builder) -> None:
    perf: dict[str, list[_Candidate]] = {"ecog": [], "karnofsky": []}
    body: dict[str, list[_Candidate]] = {"patient.weight_kg": [], "patient.height_cm": []}
    for res in observations:
        r = res.resource
        status = r.get("status")
        if status in ("entered-in-error", "cancelled"):
            b.ignore(res.label, f"observation status {status}")
            continue
        code = r.get("code")
        loincs = [c for s, c, _ in _codings(code) if s == LOINC or re.fullmatch(r"\d+-\d", c)]
        if LOINC_ECOG in loincs or _has_profile(r, _MCODE_ECOG):
            cand = _performance(res, "ecog", b)
            if cand:
                perf["ecog"].append(cand)
        elif LOINC_KARNOFSKY in loincs or _has_profile(r, _MCODE_KARNOFSKY):
            cand = _performance(res, "karnofsky", b)
            if cand:
                perf["karnofsky"].append(cand)
        elif LOINC_WEIGHT in loincs:
            cand = _body_measure(res, "patient.weight_kg", _WEIGHT_UNITS, b)
            if cand:
                body["patient.weight_kg"].append(cand)
        elif LOINC_HEIGHT in loincs:
            cand = _body_measure(res, "patient.height_cm", _HEIGHT_UNITS, b)
            if cand:
                body["patient.height_cm"].append(cand)
        elif lab_codes := [c for c in loincs if c in _LAB_LOINC]:
            _map_lab(res, _LAB_LOINC[lab_codes[0]], lab_codes[0], b)
        else:
            shown = ", ".join(loincs) or ", ".join(f"{s} {c}" for s, c, _ in _codings(code))
            b.ignore(res.label, f"observation {shown or '(no code)'} not used by Osseous")
    for scale, cands in perf.items():
        _pick_latest(cands, f"patient.{scale}", b, as_int=True)
    for path, cands in body.items():
        _pick_latest(cands, path, b, as_int=False)


# --------------------------------------------------------------------------------------------
# Medications


def _drug_name(concept: object) -> tuple[str | None, str | None, str]:
    """(generic name, RxNorm code, the text read) of a medication concept."""
    rxnorm = next((c for s, c, _ in _codings(concept) if s == RXNORM), None)
    texts = _texts(concept)
    for text in texts:
        found = _words(_DRUGS, text)
        if len(found) == 1:
            return found[0], rxnorm, text
        if len(found) > 1:
            return None, rxnorm, text
    # an RxNorm display that starts with one ingredient name ("abemaciclib Oral Product")
    rx_displays = [d for s, _, d in _codings(concept) if s == RXNORM and d]
    for text in rx_displays + (texts if rxnorm else []):
        if re.search(r"\s/\s", text) or "[" in text.split(" ")[0]:
            continue
        head = _DOSE_FORM_START.split(text, maxsplit=1)[0].strip().lower()
        words = [w for w in head.split() if w not in _SALTS]
        if 1 <= len(words) <= 3 and all(re.fullmatch(r"[a-z]+", w) for w in words):
            return "-".join(words), rxnorm, text
    return None, rxnorm, texts[0] if texts else ""


def _medication_concept(r: Json, index: dict[str, Json]) -> object:
    if "medicationCodeableConcept" in r:
        return r.get("medicationCodeableConcept")
    ref = _str(_dict(r.get("medicationReference")).get("reference"))
    if ref is None:
        return None
    if ref.startswith("#"):
        for contained in map(_dict, _list(r.get("contained"))):
            if contained.get("id") == ref[1:]:
                return contained.get("code")
        return None
    target = index.get(ref)
    return target.get("code") if target else None


def _route(dosages: list[Json], concept: object) -> str | None:
    routes: set[str] = set()
    for dosage in dosages:
        route = dosage.get("route")
        for _, code, _ in _codings(route):
            if code in _ROUTE_CODES:
                routes.add(_ROUTE_CODES[code])
        if not routes:
            routes.update(_words(_ROUTE_WORDS, " ".join(_texts(route))))
    if not routes:
        form_text = " ".join(d for s, _, d in _codings(concept) if s == RXNORM)
        routes.update(r for r in _words(_ROUTE_WORDS[:2], form_text))
    return routes.pop() if len(routes) == 1 else None


def _per_day(timing: Json) -> float | str:
    code = [c for _, c, _ in _codings(timing.get("code"))]
    repeat = _dict(timing.get("repeat"))
    if not repeat and len(code) == 1 and code[0].upper() in _TIMING_CODES:
        return _TIMING_CODES[code[0].upper()]
    if not repeat:
        return "no timing"
    if any(k in repeat for k in ("frequencyMax", "periodMax")):
        return "timing gives a range"
    frequency = _number(repeat.get("frequency", 1))
    period = _number(repeat.get("period"))
    unit = repeat.get("periodUnit")
    days = {"h": 1 / 24, "d": 1.0, "wk": 7.0}.get(unit) if isinstance(unit, str) else None
    if frequency is None or period is None or period <= 0 or days is None:
        return "timing without frequency, period and periodUnit (h, d or wk)"
    return frequency / (period * days)


def _dose(dosages: list[Json], entry: Json, drug: str, label: str, b: _Builder) -> None:
    if not dosages:
        if drug in _OPIOIDS:
            b.unmap(label, f"{drug}: no dosage given; daily dose unknown")
        return
    if len(dosages) > 1:
        b.unmap(label, f"{drug}: {len(dosages)} dosage instructions; daily dose not derived")
        return
    dosage = dosages[0]
    rates = [_dict(dr) for dr in _list(dosage.get("doseAndRate"))]
    if isinstance(dosage.get("doseAndRate"), dict):
        rates = [dosage["doseAndRate"]]
    if "doseQuantity" in dosage:  # the STU3 layout, still found in the wild
        rates.append({"doseQuantity": dosage["doseQuantity"]})
    if len(rates) != 1:
        if rates:
            b.unmap(label, f"{drug}: several doses given; daily dose not derived")
        return
    rate = rates[0]
    for key in ("rateQuantity", "doseQuantity"):
        q = _dict(rate.get(key))
        unit = (_str(q.get("code")) or _str(q.get("unit")) or "").lower()
        value = _number(q.get("value"))
        if value is not None and unit in _RATE_UNITS:
            entry["rate_mcg_per_h"] = value
            return
    q = _dict(rate.get("doseQuantity"))
    if not q:
        b.unmap(label, f"{drug}: dose not given as a quantity; daily dose not derived")
        return
    unit = (_str(q.get("code")) or _str(q.get("unit")) or "").lower()
    value = _number(q.get("value"))
    if value is None or unit not in _MASS_TO_MG:
        b.unmap(label, f"{drug}: dose {q.get('value')!r} {unit or '(no unit)'} is not a mass; "
                       "daily dose not derived")
        return
    if dosage.get("asNeededBoolean") is True or "asNeededCodeableConcept" in dosage:
        b.unmap(label, f"{drug}: taken as needed; daily dose not derived")
        return
    per_day = _per_day(_dict(dosage.get("timing")))
    if isinstance(per_day, str):
        b.unmap(label, f"{drug}: {per_day}; daily dose not derived")
        return
    entry["daily_dose_mg"] = round(value * _MASS_TO_MG[unit] * per_day, 3)


def _map_medication(res: _Res, index: dict[str, Json], b: _Builder) -> None:
    r = res.resource
    status = r.get("status")
    if status in _MED_SKIP_STATUS:
        b.ignore(res.label, f"medication status {status}")
        return
    concept = _medication_concept(r, index)
    drug, rxnorm, text = _drug_name(concept)
    if drug is None:
        why = f"medication {text!r} not recognised" if text else "medication without a code"
        b.unmap(res.label, why + "; not imported")
        return
    entry: Json = {"drug": drug}
    mapped_status = _MED_STATUS.get(status) if isinstance(status, str) else None
    if mapped_status == "active" and r.get("intent") in ("proposal", "plan"):
        mapped_status = "planned"  # an active proposal or plan is not yet given
    if mapped_status:
        entry["status"] = mapped_status
    elif status is not None:
        b.unmap(res.label, f"{drug}: status {status!r} has no equivalent; status left unknown")
    key = "dosageInstruction" if r.get("resourceType") == "MedicationRequest" else "dosage"
    dosages = [_dict(d) for d in _list(r.get(key))]
    route = _route(dosages, concept)
    if route:
        entry["route"] = route
    if rxnorm:
        entry["rxnorm"] = rxnorm
    started = _date(_dict(r.get("effectivePeriod")).get("start"))
    if started:
        entry["started"] = started
    if re.search(r"\s/\s", text):  # RxNorm spells combination products "A 5 MG / B 325 MG"
        b.unmap(res.label, f"{drug}: combination product; daily dose not derived")
    else:
        _dose(dosages, entry, drug, res.label, b)
    problem = _problem({"medications": [entry]})
    if problem:
        for optional in ("daily_dose_mg", "rate_mcg_per_h", "route", "started", "status"):
            trial = {k: v for k, v in entry.items() if k != optional}
            if optional in entry and _problem({"medications": [trial]}) is None:
                b.unmap(res.label, f"{drug}: {optional} {entry[optional]!r} invalid; dropped")
                entry = trial
                break
        else:
            b.unmap(res.label, f"medication {entry} not valid: {problem}")
            return
    b.medications.append(entry)
    b.use(res.label, "medications", dict(entry))


# --------------------------------------------------------------------------------------------
# Procedures: radiotherapy course summaries


def _is_radiation(r: Json) -> bool:
    text = " ".join(_texts(r.get("code"))).lower()
    return (any("radiation" in p or "radiotherapy" in p for p in _profiles(r))
            or bool(re.search(r"radiation|radiotherapy|irradiation", text)))


def _site_key(concept: object) -> tuple[str, tuple[str, ...]] | None:
    found = _bone_site(concept)
    return None if isinstance(found, str) else found


def _matching_lesions(key: tuple[str, tuple[str, ...]], candidates: list[Json]) -> list[Json]:
    site, levels = key
    out = []
    for lesion in candidates:
        if lesion["site"] != site:
            continue
        if site == "spine" and levels and lesion.get("levels"):
            if set(levels) & set(lesion["levels"]):
                out.append(lesion)
        elif site != "spine" or (not levels and not lesion.get("levels")):
            out.append(lesion)
    return out


def _rt_course(r: Json, dose_ext: Json | None) -> Json | str:
    course: Json = {}
    if dose_ext is not None:
        for sub in map(_dict, _list(dose_ext.get("extension"))):
            url = sub.get("url")
            if url == "totalDoseDelivered":
                q = _dict(sub.get("valueQuantity"))
                value = _number(q.get("value"))
                unit = (_str(q.get("code")) or _str(q.get("unit")) or "").lower()
                if value is None or unit not in ("cgy", "gy"):
                    return f"total dose {q.get('value')!r} {unit or '(no unit)'} not in cGy or Gy"
                course["dose_gy"] = round(value / 100, 4) if unit == "cgy" else value
            elif url == "fractionsDelivered":
                n = sub.get("valueUnsignedInt", sub.get("valuePositiveInt"))
                if isinstance(n, int) and not isinstance(n, bool):
                    course["fractions"] = n
    when = (_date(r.get("performedDateTime")) or _date(_dict(r.get("performedPeriod")).get("end"))
            or _date(_dict(r.get("performedPeriod")).get("start")))
    if when:
        course["date"] = when
    problem = _problem({"lesions": [{"id": "x", "site": "other", "prior_radiotherapy": [course]}]})
    if problem:
        return f"radiotherapy course {course} not valid: {problem}"
    return course


def _map_radiotherapy(res: _Res, index: dict[str, Json], b: _Builder) -> None:
    r = res.resource
    status = r.get("status")
    if status not in ("completed", "stopped"):
        b.unmap(res.label, f"radiotherapy course with status {status!r}: not a delivered course")
        return
    volumes = _ext(r, "dose-delivered-to-volume")
    targets: list[tuple[Json | None, list[Json]]] = []
    # 1. reasonReference to a condition that became lesions
    linked_ids = {
        lid for ref in _list(r.get("reasonReference"))
        for lid in b.lesion_sources.get(_str(_dict(ref).get("reference")) or "", [])
    }
    linked = [les for les in b.lesions if les["id"] in linked_ids]
    sites = [k for k in (_site_key(s) for s in _list(r.get("bodySite"))) if k is not None]
    if len(volumes) <= 1:
        pool = linked or b.lesions
        matches = linked if len(linked) == 1 else [
            les for key in sites for les in _matching_lesions(key, pool)]
        targets.append((volumes[0] if volumes else None, matches))
    else:
        for vol in volumes:
            ref = next((_str(_dict(s.get("valueReference")).get("reference"))
                        for s in map(_dict, _list(vol.get("extension")))
                        if s.get("url") == "volume"), None)
            structure = index.get(ref or "")
            vol_key = _site_key(_dict(structure).get("location")) if structure else None
            pool = linked or b.lesions
            targets.append((vol, _matching_lesions(vol_key, pool) if vol_key else []))
    for dose_ext, matches in targets:
        unique = {id(m): m for m in matches}
        if len(unique) != 1:
            why = "no imported lesion" if not unique else f"{len(unique)} lesions"
            b.unmap(res.label, f"radiotherapy course: its site matches {why}; not linked")
            continue
        lesion = next(iter(unique.values()))
        course = _rt_course(r, dose_ext)
        if isinstance(course, str):
            b.unmap(res.label, course)
            continue
        lesion.setdefault("prior_radiotherapy", []).append(course)
        b.use(res.label, f"lesions[{lesion['id']}].prior_radiotherapy", dict(course))


def _map_procedures(procedures: list[_Res], index: dict[str, Json], b: _Builder) -> None:
    for res in procedures:
        r = res.resource
        if _has_profile(r, _RT_COURSE_PROFILE) or (
            _has_code(r.get("code"), _RT_COURSE_CODE)
        ):
            _map_radiotherapy(res, index, b)
        elif _is_radiation(r):
            b.unmap(res.label, "radiation procedure that is not a radiotherapy course summary "
                               "(no delivered dose or fractions); not linked to a lesion")
        else:
            b.ignore(res.label, "procedure not used by Osseous")


# --------------------------------------------------------------------------------------------
# entry point


def _iter_type(resources: list[_Res], *types: str) -> Iterator[_Res]:
    return (r for r in resources if r.resource.get("resourceType") in types)


def bundle_to_case(bundle: dict[str, Any] | list[dict[str, Any]], *,
                   case_id: str | None = None,
                   assessed_on: str | None = None) -> MappingResult:
    """Map a FHIR R4 Bundle (or a list of resources) to an ``osseous.case/1`` document.

    Bad EHR data never makes this fail: what cannot be mapped is left out and reported.
    ``case_id`` and ``assessed_on`` are the caller's, so an invalid one raises
    :class:`~osseous.core.errors.InvalidInput`.
    """
    if case_id is not None or assessed_on is not None:
        own: Json = {"format": CASE_FORMAT}
        if case_id is not None:
            own["id"] = case_id
        if assessed_on is not None:
            own["assessed_on"] = assessed_on
        parse_case(own)

    b = _Builder()
    resources = _collect(bundle, b)
    index = {ref: res.resource for res in resources for ref in res.refs}
    handled = {"Patient", "Condition", "Observation", "MedicationRequest", "MedicationStatement",
               "Procedure", "Medication", "BodyStructure"}

    patients = list(_iter_type(resources, "Patient"))
    patient_id: str | None = None
    if patients:
        patient_id = _map_patient(patients[0], b)
        for extra in patients[1:]:
            b.unmap(extra.label, f"more than one Patient in the input; only {patients[0].label} "
                                 "supplies demographics")
    _map_conditions(list(_iter_type(resources, "Condition")), b)
    _set_bone_origin(b)
    _map_observations(list(_iter_type(resources, "Observation")), b)
    for res in _iter_type(resources, "MedicationRequest", "MedicationStatement"):
        _map_medication(res, index, b)
    _map_procedures(list(_iter_type(resources, "Procedure")), index, b)
    for res in _iter_type(resources, "Medication", "BodyStructure"):
        b.ignore(res.label, "read only through references from other resources")
    for res in resources:
        if res.resource.get("resourceType") not in handled:
            b.ignore(res.label, f"resource type {res.resource.get('resourceType')} not used by "
                                "Osseous")

    case: Json = {"format": CASE_FORMAT}
    chosen_id = case_id if case_id is not None else patient_id
    if chosen_id:
        case["id"] = chosen_id
    if assessed_on is not None:
        case["assessed_on"] = assessed_on
    case["patient"] = b.patient
    case["cancer"] = b.cancer
    case["lesions"] = b.lesions
    for key, items in (("labs", b.labs), ("medications", b.medications), ("events", b.events)):
        if items:
            case[key] = items
    case = _final_check(case, b)
    return MappingResult(case, b.report())


def _set_bone_origin(b: _Builder) -> None:
    """The earliest onset among the bone-metastasis conditions, as the analyses' time origin."""
    if b.bone_onsets:
        first, label = min(b.bone_onsets)
        b.cancer["bone_metastases"] = {"diagnosed_on": first}
        b.use(label, "cancer.bone_metastases.diagnosed_on", first)


def _final_check(case: Json, b: _Builder) -> Json:
    """Safety net: drop whatever still fails validation, reporting it (never expected)."""
    for _ in range(50):
        try:
            parse_case(case)
            return case
        except InvalidInput as exc:
            problem = exc.problems[0]
        path = problem.path
        m = re.match(r"^(labs|lesions|medications)\[(\d+)\]", path)
        if m and isinstance(case.get(m.group(1)), list):
            items = case[m.group(1)]
            dropped = items.pop(int(m.group(2)))
            b.unmap("case", f"{path}: {problem.message}; dropped {dropped!r}")
            if not items and m.group(1) != "lesions":
                del case[m.group(1)]
            continue
        parts = path.split(".")
        if len(parts) >= 2 and isinstance(case.get(parts[0]), dict) and parts[1] in case[parts[0]]:
            value = case[parts[0]].pop(parts[1])
            b.unmap("case", f"{path}: {problem.message}; dropped {value!r}")
            continue
        if path in case and path != "format":
            b.unmap("case", f"{path}: {problem.message}; dropped {case.pop(path)!r}")
            continue
        break
    b.unmap("case", "mapped case could not be validated; returning an empty case")
    return {"format": CASE_FORMAT, "patient": {}, "cancer": {}, "lesions": []}
