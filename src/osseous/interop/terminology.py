"""The codes Osseous reads from EHR data: value sets as reviewed data, each with its source.

One table per question ("is this a bone metastasis?", "which analyte is this LOINC code?",
"which drug is this RxNorm or ATC code?"), used alike by the FHIR import
(:mod:`osseous.interop.mapping`), the bulk pre-filter (:mod:`osseous.interop.bulk`) and the
CDS Hooks service (:mod:`osseous.interop.cds_hooks`), so that the three never disagree.

A code that is not in a table is never guessed: the caller reports it as unmapped. Codes are
compared exactly, within their code system (a SNOMED CT code is not read as a LOINC code);
ICD-10-CM codes are compared without their dot and case-insensitively, because exports write
both ``C79.51`` and ``C7951``.

Sources (each table names its own):

* SNOMED CT: the International Edition browser (browser.ihtsdotools.org), concept ids and
  fully specified names as written beside each code; mCODE STU4 ``VS_CancerCondition.fsh``
  (SecondaryCancerDisorderVS: descendants of 128462008 and ICD-10-CM C77-C79, C7B) and
  ``CM_TG263.fsh`` for body structures; the Synthea modules ``prostate_cancer.json``,
  ``colorectal_cancer.json`` and ``lung_cancer.json`` for the codes Synthea writes.
* ICD-10-CM: the CMS/NCHS FY2025 tabular list (chapter 2, C00-D49).
* LOINC: loinc.org, each code's long common name as written beside it; the US Core
  examples (HL7/US-Core ``observation-serum-calcium.json``, ``observation-serum-creatinine.json``)
  and Synthea's ``metabolic_syndrome`` and ``lab`` modules for 49765-1 and 38483-4.
* RxNorm: ingredient RxCUIs (term type IN) as published by RxNav (rxnav.nlm.nih.gov); the
  mCODE fixtures for the product codes they carry. RxNav could not be queried from the build
  environment, so a code is trusted only when the medication's names agree with it
  (:func:`osseous.interop.drugs.identify`); radiopharmaceuticals have no RxCUI (out of
  RxNorm's scope) and are read by ATC code or name.
* ATC: the WHOCC ATC/DDD index 2025 (whocc.no/atc_ddd_index).
* UCUM: The Unified Code for Units of Measure, version 2.1, case-sensitive codes (``c/s``)
  and the case-insensitive forms (``c/i``) of the mass units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

SNOMED: Final = "sct"
LOINC: Final = "loinc"
ICD10: Final = "icd10"
RXNORM: Final = "rxnorm"
ATC: Final = "atc"
UCUM_SYSTEM: Final = "http://unitsofmeasure.org"

#: Sentinel of the code tables: lung cancer without NSCLC/SCLC (resolved from histology text).
LUNG: Final = "lung"


def system_kind(system: object) -> str:
    """The code system of a Coding.system URI: ``sct``, ``loinc``, ``icd10``, ``rxnorm``,
    ``atc`` or the lower-cased URI itself."""
    s = system.lower() if isinstance(system, str) else ""
    if "snomed" in s:
        return SNOMED
    if "loinc" in s:
        return LOINC
    if "icd-10" in s or "icd10" in s:
        return ICD10
    if "rxnorm" in s:
        return RXNORM
    if s.endswith(("/atc", "whocc.no/atc")) or "whocc" in s:
        return ATC
    return s


@dataclass(frozen=True)
class ValueSet:
    """A reviewed table: code -> value, in one code system, with its source."""

    name: str
    system: str
    source: str
    codes: MappingProxyType[str, str]

    def get(self, code: str) -> str | None:
        return self.codes.get(code)


def _vs(name: str, system: str, source: str, codes: dict[str, str]) -> ValueSet:
    return ValueSet(name, system, source, MappingProxyType(codes))


# ---- cancer: primaries -------------------------------------------------------------------

#: SNOMED CT primary cancer disorders -> the case format's primary.
SNOMED_PRIMARY: Final = _vs("primary cancer (SNOMED CT)", SNOMED, "SNOMED CT International", {
    "254837009": "breast",  # Malignant neoplasm of breast (disorder)
    "372137005": "breast",  # Primary malignant neoplasm of breast (disorder)
    "408643008": "breast",  # Infiltrating duct carcinoma of breast (disorder)
    "399068003": "prostate",  # Malignant tumor of prostate (disorder)
    # Neoplasm of prostate (disorder): the code Synthea's prostate_cancer module writes for
    # the cancer it models; in SNOMED CT it also covers benign neoplasms, so the import
    # reports it as read from this Synthea convention
    "126906006": "prostate",
    "254637007": "lung-nsclc",  # Non-small cell lung cancer (disorder)
    "424132000": "lung-nsclc",  # Non-small cell carcinoma of lung, TNM stage 1 (disorder)
    "254632001": "lung-sclc",  # Small cell carcinoma of lung (disorder)
    "363358000": LUNG,  # Malignant tumor of lung (disorder)
    "93880001": LUNG,  # Primary malignant neoplasm of lung (disorder)
    "109989006": "myeloma",  # Multiple myeloma (disorder)
    "118600007": "lymphoma",  # Malignant lymphoma (disorder)
    "363406005": "colon",  # Malignant neoplasm of colon (disorder)
    "93761005": "colon",  # Primary malignant neoplasm of colon (disorder)
    "109838007": "colon",  # Overlapping malignant neoplasm of colon (disorder)
    "363349007": "stomach",  # Malignant tumor of stomach (disorder)
    "363418001": "pancreas",  # Malignant tumor of pancreas (disorder)
    "363354003": "cervix",  # Malignant tumor of cervix (disorder)
})
#: Synthea's convention codes, reported as such when used.
SYNTHEA_CONVENTION: Final = frozenset({"126906006"})

#: Generic cancer codes whose organ is given by ``bodySite`` (the mCODE pattern).
SNOMED_GENERIC_PRIMARY: Final = frozenset({
    "363346000",  # Malignant neoplastic disease (disorder)
    "372087000",  # Primary malignant neoplasm (disorder)
})

#: Cancer-like codes that are not an invasive cancer with a known primary: reported, not used.
SNOMED_NOT_USED: Final = _vs("cancer codes not used", SNOMED, "SNOMED CT International", {
    "92691004": "carcinoma in situ (not invasive)",  # Carcinoma in situ of prostate
    "162573006": "suspected, not diagnosed",  # Suspected lung cancer (situation)
})

#: SNOMED CT body structures of a primary site (mCODE CancerBodyLocationVS, TG263 map).
SNOMED_PRIMARY_SITES: Final = _vs("primary site (body structure)", SNOMED,
                                  "SNOMED CT International; mCODE STU4 CM_TG263.fsh", {
    "76752008": "breast",  # Breast structure (body structure)
    "80248007": "breast",  # Left breast structure (body structure)
    "73056007": "breast",  # Right breast structure (body structure)
    "41216001": "prostate",  # Prostatic structure (body structure)
    "71854001": "colon",  # Colon structure (body structure)
    "34402009": "rectum",  # Rectum structure (body structure)
    "39607008": LUNG,  # Lung structure (body structure)
    "69695003": "stomach",  # Stomach structure (body structure)
    "15776009": "pancreas",  # Pancreatic structure (body structure)
    "64033007": "kidney",  # Kidney structure (body structure)
    "69748006": "thyroid",  # Thyroid structure (body structure)
    "89837001": "bladder",  # Urinary bladder structure (body structure)
    "71252005": "cervix",  # Cervix uteri structure (body structure)
    "15497006": "ovary",  # Ovarian structure (body structure)
    "35039007": "uterus",  # Uterine structure (body structure)
})

#: ICD-10-CM categories (the letter C and two digits) of primary cancers.
ICD_PRIMARY_RANGES: Final[tuple[tuple[int, int, str], ...]] = (
    (0, 14, "head-and-neck"), (15, 15, "esophagus"), (16, 16, "stomach"), (18, 18, "colon"),
    (19, 20, "rectum"), (22, 22, "liver"), (23, 23, "gallbladder"), (25, 25, "pancreas"),
    (30, 32, "head-and-neck"), (34, 34, LUNG), (43, 43, "melanoma"), (50, 50, "breast"),
    (53, 53, "cervix"), (54, 55, "uterus"), (56, 56, "ovary"), (61, 61, "prostate"),
    (64, 65, "kidney"), (67, 67, "bladder"), (73, 73, "thyroid"), (80, 80, "unknown-primary"),
    (81, 85, "lymphoma"),
)

# ---- cancer: secondaries -----------------------------------------------------------------

#: SNOMED CT secondary malignant neoplasm disorders -> "bone", "brain", a visceral site, or
#: "unspecified" (the site comes from bodySite).
SNOMED_SECONDARY: Final = _vs("secondary cancer (SNOMED CT)", SNOMED,
                              "SNOMED CT International; mCODE STU4 SecondaryCancerDisorderVS", {
    "94222008": "bone",  # Secondary malignant neoplasm of bone (disorder)
    "94217008": "bone",  # Secondary malignant neoplasm of bone marrow (disorder)
    "94381002": "liver",  # Secondary malignant neoplasm of liver (disorder)
    "94391008": "lung",  # Secondary malignant neoplasm of lung (disorder)
    "94181007": "lymph-node",  # Secondary malignant neoplasm of axillary lymph nodes
    "94225005": "brain",  # Secondary malignant neoplasm of brain (disorder)
    "94493005": "pleura",  # Secondary malignant neoplasm of pleura (disorder)
    "94161006": "adrenal",  # Secondary malignant neoplasm of adrenal gland (disorder)
    "94260004": "other",  # Secondary malignant neoplasm of colon (disorder) (Synthea)
    "128462008": "unspecified",  # Secondary malignant neoplastic disease (disorder)
    # Metastasis from malignant tumor of prostate (disorder) (Synthea): the site is not
    # stated; the primary is
    "314994000": "unspecified",
})
#: Secondary codes that also name their primary.
SNOMED_SECONDARY_PRIMARY: Final = _vs("primary named by a secondary code", SNOMED,
                                      "SNOMED CT International", {
    "314994000": "prostate",
})

#: ICD-10-CM secondary codes (dots removed, prefix match, longest first) -> site.
ICD_SECONDARY: Final[tuple[tuple[str, str], ...]] = (
    ("C7B03", "bone"),  # Secondary carcinoid tumors of bone
    ("C7951", "bone"),  # Secondary malignant neoplasm of bone
    ("C7952", "bone"),  # Secondary malignant neoplasm of bone marrow
    ("C795", "bone"),  # Secondary malignant neoplasm of bone and bone marrow (ICD-10 WHO)
    ("C7931", "brain"), ("C797", "adrenal"), ("C787", "liver"), ("C786", "peritoneum"),
    ("C782", "pleura"), ("C780", "lung"), ("C77", "lymph-node"),
)
ICD_SECONDARY_CHAPTERS: Final = ("C77", "C78", "C79", "C7B")


def icd_norm(code: str) -> str:
    """An ICD-10 code without its dot, upper-case (``c79.51`` and ``C7951`` alike)."""
    return code.upper().replace(".", "").strip()


def icd_secondary(code: str) -> str | None:
    """The site of an ICD-10-CM secondary code, ``"unspecified"``, or None if not secondary."""
    c = icd_norm(code)
    for prefix, site in ICD_SECONDARY:
        if c.startswith(prefix):
            return site
    return "unspecified" if c.startswith(ICD_SECONDARY_CHAPTERS) else None


def icd_primary(code: str) -> str | None:
    c = icd_norm(code)
    if c.startswith("C7A0"):
        return "carcinoid"
    if c.startswith("C900"):
        return "myeloma"
    m = re.match(r"^C(\d{2})", c)
    if not m:
        return None
    n = int(m.group(1))
    for lo, hi, value in ICD_PRIMARY_RANGES:
        if lo <= n <= hi:
            return value
    return None


def secondary_site(system: str, code: str) -> str | None:
    """The site a secondary-cancer code names (``bone``, a visceral site, ``unspecified``), or
    None if the code is not a secondary cancer. ``system`` is a :func:`system_kind`."""
    if system == SNOMED:
        return SNOMED_SECONDARY.get(code)
    if system == ICD10:
        return icd_secondary(code)
    return None


def is_bone_metastasis_code(system: object, code: object) -> bool:
    """A Coding that states a bone metastasis (the bulk pre-filter and the import agree)."""
    if not isinstance(code, str):
        return False
    return secondary_site(system_kind(system), code.strip()) == "bone"


#: Words that make an unmapped condition a cancer worth reporting rather than ignoring.
CANCER_WORDS: Final = re.compile(
    r"\b(?:neoplasm|neoplastic|cancer|carcinoma|malignan\w*|metasta\w*|sarcoma|lymphoma|"
    r"myeloma|leuka?emia|melanoma|tumou?r)\b", re.IGNORECASE)

# ---- body structures of bone and viscera ---------------------------------------------------

#: Body-site SNOMED CT codes (mCODE TG263 map and the fixtures' own displays).
SNOMED_BONE_SITES: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "71341001": ("femur", ()),  # Bone structure of femur
    "85050009": ("humerus", ()),  # Bone structure of humerus
    "113197003": ("rib", ()),  # Bone structure of rib
    "73438004": ("rib", ()),
    "118645006": ("pelvis", ()),  # Structure of pelvis
    "719537008": ("acetabulum", ()),  # Bone structure of right acetabulum
    "3572006": ("spine", ()),  # Vertebral body
    "122496007": ("spine", ()),  # Structure of lumbar vertebral column
    "61032001": ("spine", ("L1",)),
}
SNOMED_VISCERAL_SITES: Final = _vs("visceral site (body structure)", SNOMED,
                                   "SNOMED CT International", {
    "10200004": "liver",
    "39607008": "lung",
    "12738006": "brain",
    "8935007": "meninges",  # Cerebral meninges structure
})

# ---- observations --------------------------------------------------------------------------

LOINC_ECOG: Final = "89247-1"  # ECOG Performance Status score
LOINC_KARNOFSKY: Final = "89243-0"  # Karnofsky Performance Status score
#: Body weight (29463-7) and Body weight Measured (3141-9).
LOINC_WEIGHT: Final = frozenset({"29463-7", "3141-9"})
#: Body height (8302-2) and Body height Measured (3137-7).
LOINC_HEIGHT: Final = frozenset({"8302-2", "3137-7"})

#: LOINC answer list LL529-9 (ECOG); LA9627-6 is grade 5, dead.
ECOG_ANSWERS: Final[dict[str, int]] = {
    "LA9622-7": 0, "LA9623-5": 1, "LA9624-3": 2, "LA9625-0": 3, "LA9626-8": 4, "LA9627-6": 5,
}
#: LOINC answer list LL4986-7 (Karnofsky); LA9627-6 is 0, dead.
KARNOFSKY_ANSWERS: Final[dict[str, int]] = {
    "LA29175-9": 100, "LA29176-7": 90, "LA29177-5": 80, "LA29178-3": 70, "LA29179-1": 60,
    "LA29180-9": 50, "LA29181-7": 40, "LA29182-5": 30, "LA29183-3": 20, "LA29184-1": 10,
    "LA9627-6": 0,
}

#: LOINC -> Osseous analyte (each with the long common name).
LAB_LOINC: Final = _vs("laboratory analytes (LOINC)", LOINC, "loinc.org", {
    "2160-0": "creatinine",  # Creatinine [Mass/volume] in Serum or Plasma
    "38483-4": "creatinine",  # Creatinine [Mass/volume] in Blood (Synthea)
    "14682-9": "creatinine",  # Creatinine [Moles/volume] in Serum or Plasma
    "1751-7": "albumin",  # Albumin [Mass/volume] in Serum or Plasma
    "61151-7": "albumin",  # Albumin [Mass/volume] in Serum or Plasma by Bromocresol green
    "61152-5": "albumin",  # Albumin [Mass/volume] in Serum or Plasma by Bromocresol purple
    "2862-1": "albumin",  # Albumin [Mass/volume] in Serum or Plasma by Electrophoresis
    "17861-6": "calcium",  # Calcium [Mass/volume] in Serum or Plasma
    "2000-8": "calcium",  # Calcium [Moles/volume] in Serum or Plasma
    "49765-1": "calcium",  # Calcium [Mass/volume] in Blood (every Synthea calcium)
    "1994-3": "ionized-calcium",  # Calcium.ionized [Moles/volume] in Blood
    "1988-5": "crp",  # C reactive protein [Mass/volume] in Serum or Plasma
    "2532-0": "ldh",  # Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma
    "14804-9": "ldh",  # Lactate dehydrogenase [...] by Lactate to pyruvate reaction
    "777-3": "platelets",  # Platelets [#/volume] in Blood by Automated count
    "26515-7": "platelets",  # Platelets [#/volume] in Blood
    "751-8": "anc",  # Neutrophils [#/volume] in Blood by Automated count
    "753-4": "anc",  # Neutrophils [#/volume] in Blood by Manual count
    "26499-4": "anc",  # Neutrophils [#/volume] in Blood
    "6690-2": "wbc",  # Leukocytes [#/volume] in Blood by Automated count
    "26464-8": "wbc",  # Leukocytes [#/volume] in Blood
    "718-7": "hemoglobin",  # Hemoglobin [Mass/volume] in Blood
    "1975-2": "bilirubin",  # Bilirubin.total [Mass/volume] in Serum or Plasma
    "6768-6": "alkaline-phosphatase",  # Alkaline phosphatase [...] in Serum or Plasma
    "2857-1": "psa",  # Prostate specific Ag [Mass/volume] in Serum or Plasma
})

#: LOINC codes asked for in the CDS Hooks prefetch (labs, weight, height, performance status).
PREFETCH_LOINC: Final = tuple(sorted({*LAB_LOINC.codes, *LOINC_WEIGHT, *LOINC_HEIGHT,
                                      LOINC_ECOG, LOINC_KARNOFSKY}))

# ---- units (UCUM) --------------------------------------------------------------------------

#: Lab unit spellings -> the case format's spelling (UCUM is case-sensitive: only the
#: spellings below and the case format's own are accepted, plus an exact case-insensitive
#: match when it is unambiguous among the analyte's units).
UNIT_SPELLINGS: Final[dict[str, str]] = {
    "µmol/l": "umol/L", "μmol/l": "umol/L",
    "10^9/l": "10*9/L", "10^3/ul": "10*3/uL", "10*3/µl": "10*3/uL", "10*3/μl": "10*3/uL",
    "10^3/µl": "10*3/uL", "[iu]/l": "IU/L", "µg/l": "ug/L", "μg/l": "ug/L",
}
WEIGHT_UNITS: Final[dict[str, float]] = {
    "kg": 1.0, "g": 0.001, "[lb_av]": 0.45359237, "lb": 0.45359237, "lbs": 0.45359237,
}
HEIGHT_UNITS: Final[dict[str, float]] = {"cm": 1.0, "m": 100.0, "[in_i]": 2.54, "in": 2.54}

#: Mass units of a drug dose -> mg. UCUM case-sensitive codes (``mg``, ``g``, ``ug``), their
#: case-insensitive UCUM forms (``MG``, ``G``, ``UG``: RxNorm writes ``MG``), and ``mcg``
#: (common, not UCUM). Any other spelling (``Mg`` is a megagram in UCUM; ``{pill}``,
#: ``{tbl}`` are counts, not masses) is not read as a mass.
MASS_TO_MG: Final[dict[str, float]] = {
    "mg": 1.0, "g": 1000.0, "ug": 0.001, "mcg": 0.001, "µg": 0.001, "μg": 0.001,
    "MG": 1.0, "G": 1000.0, "UG": 0.001, "MCG": 0.001,
    "milligram": 1.0, "milligrams": 1.0, "gram": 1000.0, "microgram": 0.001,
}
RATE_UNITS: Final = frozenset({"ug/h", "mcg/h", "µg/h", "μg/h", "ug/hr", "mcg/hr", "UG/H"})


def mass_in_mg(value: float, unit: str | None) -> float | None:
    """A dose in mg, or None when ``unit`` is missing or not a mass unit read exactly."""
    if unit is None:
        return None
    factor = MASS_TO_MG.get(unit.strip())
    return None if factor is None else value * factor


# ---- drugs ---------------------------------------------------------------------------------

#: Recognised drugs: pattern on the lower-cased name -> generic name in the case format.
DRUG_NAMES: Final[tuple[tuple[str, str], ...]] = (
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
    (r"pamidronate|pamidronic acid|aredia", "pamidronate"),
    (r"ibandronate|ibandronic acid|bondronat|boniva", "ibandronate"),
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
_DRUG_PATTERN: Final = [(re.compile(rf"\b(?:{p})\b"), name) for p, name in DRUG_NAMES]

#: RxNorm ingredient RxCUIs (term type IN, RxNav) and product codes seen in the fixtures.
RXNORM_DRUGS: Final = _vs("drugs (RxNorm)", RXNORM, "RxNav, RxNorm ingredient concepts", {
    "7052": "morphine", "7804": "oxycodone", "3423": "hydromorphone", "5489": "hydrocodone",
    "7814": "oxymorphone", "2670": "codeine", "10689": "tramadol", "787390": "tapentadol",
    "6813": "methadone", "4337": "fentanyl", "1819": "buprenorphine",
    "77655": "zoledronic-acid",
    "1156253": "zoledronic-acid",  # zoledronic acid Injectable Product (mCODE fixture)
    "993449": "denosumab", "115264": "ibandronate",
    "1100072": "abiraterone", "1307298": "enzalutamide", "1999574": "apalutamide",
    "2180325": "darolutamide", "3264": "dexamethasone",
})
#: WHO ATC codes (WHOCC index).
ATC_DRUGS: Final = _vs("drugs (ATC)", ATC, "WHOCC ATC/DDD index 2025", {
    "N02AA01": "morphine", "N02AA05": "oxycodone", "N02AA03": "hydromorphone",
    "N02AA11": "oxymorphone", "R05DA04": "codeine", "N02AX02": "tramadol",
    "N02AX06": "tapentadol", "N07BC02": "methadone", "N02AB03": "fentanyl",
    "N02AE01": "buprenorphine",
    "M05BA08": "zoledronic-acid", "M05BA03": "pamidronate", "M05BA06": "ibandronate",
    "M05BX04": "denosumab", "V10XX03": "radium-223", "V10BX02": "samarium-153",
    "V10BX01": "strontium-89", "V10XX05": "lutetium-177-psma",
    "L02BX03": "abiraterone", "L02BB04": "enzalutamide", "L02BB05": "apalutamide",
    "L02BB06": "darolutamide", "H02AB02": "dexamethasone",
})
OPIOIDS: Final = frozenset({
    "morphine", "oxycodone", "hydromorphone", "hydrocodone", "oxymorphone", "codeine",
    "tramadol", "tapentadol", "methadone", "fentanyl", "buprenorphine",
})
BONE_MODIFYING_AGENTS: Final = frozenset({"zoledronic-acid", "pamidronate", "ibandronate",
                                          "denosumab"})


def drug_from_code(system: str, code: str) -> str | None:
    """The generic name of an RxNorm or ATC code, or None. ``system`` is a :func:`system_kind`."""
    if system == RXNORM:
        return RXNORM_DRUGS.get(code)
    if system == ATC:
        return ATC_DRUGS.get(code.upper())
    return None


def drugs_named(text: str) -> list[str]:
    """The recognised drugs a name mentions, in table order (one pass per pattern)."""
    lowered = text.lower()
    found: list[str] = []
    for pattern, name in _DRUG_PATTERN:
        if name not in found and pattern.search(lowered):
            found.append(name)
    return found


#: Every value set, for the documentation's coverage table and its test.
VALUE_SETS: Final = (SNOMED_PRIMARY, SNOMED_NOT_USED, SNOMED_PRIMARY_SITES, SNOMED_SECONDARY,
                     SNOMED_SECONDARY_PRIMARY, SNOMED_VISCERAL_SITES, LAB_LOINC, RXNORM_DRUGS,
                     ATC_DRUGS)
