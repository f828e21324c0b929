"""The case document, ``osseous.case/1`` (see docs/case-format.md).

Every field is optional: a missing field is *unknown*, never "no", "none", "normal" or 0.
Measured values carry their unit and are converted on input (:mod:`osseous.core.units`).
Spinal levels are validated, and a field that belongs to the other lesion family (for example
``pain_severity`` on a spinal lesion) is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Final, Literal, TypeAlias

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema

from osseous.core.units import ANALYTES

CASE_FORMAT: Final = "osseous.case/1"

#: the most items each list of a case may hold (docs/case-format.md, "Limits"): far above any
#: real patient (diffuse disease is recorded as counts in ``cancer.bone_metastases``), low
#: enough that no document can make an assessment slow for the other users of the service
MAX_ITEMS: Final = {"lesions": 100, "labs": 1000, "medications": 200,
                    "pain_assessments": 1000, "events": 200, "prior_radiotherapy": 50,
                    "prior_surgery": 20, "analgesics": 50, "biomarkers": 50}
#: the longest biomarker text read (a result line, not a report)
BIOMARKER_LENGTH: Final = 200


def _most(key: str) -> object:
    return Field(max_length=MAX_ITEMS[key])

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_iso_date(value: object) -> object:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a real calendar date written YYYY-MM-DD") from None


IsoDate = Annotated[
    date,
    BeforeValidator(_parse_iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]

SPINAL_LEVELS: Final = (
    "O",
    *(f"C{i}" for i in range(1, 8)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    *(f"S{i}" for i in range(1, 6)),
)
SpinalLevel = Literal[
    "O", "C1", "C2", "C3", "C4", "C5", "C6", "C7",
    "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12",
    "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "S5",
]

Primary = Literal[
    "breast", "prostate", "lung-nsclc", "lung-sclc", "kidney", "thyroid", "myeloma", "lymphoma",
    "colon", "rectum", "stomach", "esophagus", "pancreas", "liver", "gallbladder", "bladder",
    "uterus", "cervix", "ovary", "head-and-neck", "melanoma", "sarcoma", "carcinoid",
    "germ-cell", "unknown-primary", "other",
]
Modality = Literal[
    "radiotherapy", "bone-modifying-agent", "interventional", "surgery", "radiopharmaceutical",
    "systemic-therapy", "supportive-care",
]
Declinable = Literal[
    "radiotherapy", "bone-modifying-agent", "interventional", "surgery", "radiopharmaceutical",
    "systemic-therapy", "supportive-care", "chemotherapy", "sbrt", "transfusion",
]
BONE_SITES: Final = (
    "femur", "humerus", "tibia", "fibula", "radius", "ulna", "pelvis", "acetabulum", "sacrum",
    "rib", "sternum", "scapula", "clavicle", "skull", "other",
)
BoneSite = Literal[
    "femur", "humerus", "tibia", "fibula", "radius", "ulna", "pelvis", "acetabulum", "sacrum",
    "rib", "sternum", "scapula", "clavicle", "skull", "other",
]
LONG_BONES: Final = frozenset({"femur", "humerus", "tibia", "fibula", "radius", "ulna"})
FEMUR_REGIONS: Final = ("head-neck", "peritrochanteric", "shaft", "distal")

Appearance = Literal["lytic", "mixed", "blastic"]
PainScore = Annotated[float, Field(ge=0, le=10, description="0-10 numeric rating scale")]
Count = Annotated[int, Field(ge=0)]


class _Model(BaseModel):
    """Strict, immutable base: no type coercion from strings, booleans must be booleans."""

    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class Dental(_Model):
    last_exam: IsoDate | None = None
    invasive_procedure_planned: bool | None = None


class Patient(_Model):
    age_years: Annotated[int, Field(ge=0, le=130)] | None = None
    birth_date: IsoDate | None = None
    sex: Literal["female", "male", "other", "unknown"] | None = None
    weight_kg: Annotated[float, Field(gt=0, le=400)] | None = None
    weight_measured_on: IsoDate | None = Field(
        default=None, description="Date the weight was measured (absent: undated).")
    height_cm: Annotated[float, Field(gt=0, le=272)] | None = None
    ecog: Annotated[int, Field(ge=0, le=4)] | None = None
    ecog_assessed_on: IsoDate | None = Field(
        default=None, description="Date the ECOG performance status was assessed.")
    karnofsky: Annotated[int, Field(ge=0, le=100, multiple_of=10)] | None = None
    karnofsky_assessed_on: IsoDate | None = Field(
        default=None, description="Date the Karnofsky performance status was assessed.")
    ambulatory: Literal["independent", "with-assistance", "non-ambulatory"] | None = None
    frankel: Literal["A", "B", "C", "D", "E"] | None = None
    hospitalizations_past_3_months: Count | None = None
    dialysis: bool | None = None
    dental: Dental | None = None
    goal: Literal["palliative", "life-prolonging", "comfort", "unknown"] | None = Field(
        default=None, description="Goal of care: life-prolonging, palliative (symptom control "
                                  "with disease-directed treatment), or comfort (end of life, "
                                  "symptom control only).")
    pregnant: bool | None = Field(
        default=None, description="Known pregnancy (true), known not pregnant (false); absent "
                                  "means unknown.")
    surgical_candidate: bool | None = None
    estimated_survival_months: Annotated[float, Field(ge=0)] | None = None
    declines: list[Declinable] | None = None
    last_known_alive: IsoDate | None = Field(
        default=None, description="The last date the patient was known to be alive (the end "
                                  "of follow-up when no death is recorded).")


class BoneMetastases(_Model):
    spinal: Count | None = None
    extraspinal: Count | None = None
    isolated: bool | None = Field(
        default=None,
        description="Clinician's statement that two bone metastases are 'isolated' (Tomita).",
    )
    diagnosed_on: IsoDate | None = Field(
        default=None, description="Date the first bone metastasis was diagnosed (the origin of "
                                  "skeletal-event and survival analyses).")
    present: bool | None = Field(
        default=None, description="The record states that bone metastases exist (true) or that "
                                  "there are none (false), whether or not lesions are listed.")
    unlocalised: bool | None = Field(
        default=None, description="Some or all known bone metastases are not yet localised to a "
                                  "site (for example a coded diagnosis without a body site): the "
                                  "lesions list is then incomplete.")


VisceralSite = Literal["liver", "lung", "adrenal", "lymph-node", "pleura", "peritoneum", "other"]


class Cancer(_Model):
    primary: Primary | None = None
    histology: str | None = None
    diagnosed_on: IsoDate | None = None
    hormone_receptor_positive: bool | None = None
    her2_positive: bool | None = None
    castration_resistant: bool | None = None
    targeted_therapy: bool | None = None
    prior_chemotherapy_lines: Count | None = None
    visceral_metastases: Literal["none", "treatable", "untreatable"] | None = None
    visceral_sites: list[VisceralSite] | None = None
    brain_metastases: bool | None = None
    disseminated: bool | None = None
    biomarkers: Annotated[list[Annotated[str, Field(min_length=1, max_length=BIOMARKER_LENGTH)]],
                          _most("biomarkers")] | None = None
    primary_controlled: bool | None = None
    total_metastases: Count | None = None
    bone_scan_avid: bool | None = None
    psma_pet_positive: bool | None = None
    radiosensitivity: Literal["sensitive", "resistant"] | None = None
    bone_metastases: BoneMetastases | None = None


class Lab(_Model):
    """One laboratory result; ``value`` is converted to the analyte's canonical unit."""

    analyte: str
    value: Annotated[float, Field(ge=0)]
    unit: str
    date: IsoDate | None = None

    @field_validator("analyte")
    @classmethod
    def _known_analyte(cls, v: str) -> str:
        if v not in ANALYTES:
            raise ValueError(f"unknown analyte; allowed: {', '.join(sorted(ANALYTES))}")
        return v

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, v: str, info: ValidationInfo) -> str:
        analyte = ANALYTES.get(str(info.data.get("analyte")))
        if analyte is not None and v not in analyte.factors:
            allowed = ", ".join(analyte.factors)
            raise ValueError(f"unit not accepted for {analyte.name}; allowed: {allowed}")
        return v

    @property
    def canonical_value(self) -> float:
        return self.value * ANALYTES[self.analyte].factors[self.unit]

    @property
    def canonical_unit(self) -> str:
        return ANALYTES[self.analyte].canonical_unit


class RadiotherapyCourse(_Model):
    dose_gy: Annotated[float, Field(gt=0, le=200)] | None = None
    fractions: Annotated[int, Field(ge=1, le=60)] | None = None
    date: IsoDate | None = None
    technique: Literal["conventional", "sbrt"] | None = None
    cord_max_eqd2_gy: Annotated[float, Field(ge=0, le=200)] | None = None


class PriorSurgery(_Model):
    procedure: Literal[
        "fixation", "decompression", "stabilization", "separation-surgery", "vertebroplasty",
        "kyphoplasty", "cementoplasty", "resection", "endoprosthesis", "other",
    ] | None = None
    date: IsoDate | None = None


def _rejecter(family: str) -> Callable[[object], None]:
    """A validator for a field that belongs to the other lesion family: any value is an error."""

    def check(value: object) -> None:
        if value is not None:
            raise ValueError(f"not a field of {family}")

    return check


_NOT_SPINE: TypeAlias = Annotated[
    SkipJsonSchema[None],
    BeforeValidator(_rejecter("spinal lesions (it belongs to long-bone and other lesions)")),
]
_NOT_BONE: TypeAlias = Annotated[
    SkipJsonSchema[None],
    BeforeValidator(_rejecter("long-bone and other lesions (it belongs to spinal lesions)")),
]


LesionId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")]


class SpinalLesion(_Model):
    id: LesionId
    site: Literal["spine"]
    levels: Annotated[list[SpinalLevel], Field(min_length=1)] | None = None
    pain_character: Literal["mechanical", "non-mechanical", "none"] | None = None
    worst_pain: PainScore | None = None
    appearance: Appearance | None = None
    alignment: Literal["subluxation", "de-novo-deformity", "normal"] | None = None
    collapse: Literal["over-50", "under-50", "none-over-50-involved", "none"] | None = None
    posterolateral: Literal["bilateral", "unilateral", "none"] | None = None
    escc: Literal["0", "1a", "1b", "1c", "2", "3"] | None = None
    neurological_deficit: Literal["none", "radiculopathy", "myelopathy", "cauda-equina"] | None = (
        None
    )
    deficit_onset_days: Count | None = None
    paraplegia_hours: Annotated[float, Field(ge=0)] | None = None
    retropulsion: bool | None = None
    posterior_wall_intact: bool | None = None
    soft_tissue_extension: bool | None = None
    prior_radiotherapy: Annotated[list[RadiotherapyCourse],
                                  _most("prior_radiotherapy")] | None = None
    prior_surgery: Annotated[list[PriorSurgery], _most("prior_surgery")] | None = None
    # fields of the other family
    region: _NOT_SPINE = None
    pain_severity: _NOT_SPINE = None
    size_fraction: _NOT_SPINE = None
    axial_cortical_involvement_mm: _NOT_SPINE = None
    pathological_fracture: _NOT_SPINE = None

    @field_validator("levels")
    @classmethod
    def _distinct_levels(cls, v: list[SpinalLevel] | None) -> list[SpinalLevel] | None:
        if v is not None and len(set(v)) != len(v):
            raise ValueError("each level may be listed once")
        return v


class BoneLesion(_Model):
    id: LesionId
    site: BoneSite
    region: str | None = None
    pain_severity: Literal["mild", "moderate", "functional"] | None = None
    worst_pain: PainScore | None = None
    appearance: Appearance | None = None
    size_fraction: Literal["<1/3", "1/3-2/3", ">2/3"] | None = None
    axial_cortical_involvement_mm: Annotated[float, Field(ge=0, le=1000)] | None = None
    pathological_fracture: bool | None = None
    prior_radiotherapy: Annotated[list[RadiotherapyCourse],
                                  _most("prior_radiotherapy")] | None = None
    prior_surgery: Annotated[list[PriorSurgery], _most("prior_surgery")] | None = None
    # fields of the other family
    levels: _NOT_BONE = None
    pain_character: _NOT_BONE = None
    alignment: _NOT_BONE = None
    collapse: _NOT_BONE = None
    posterolateral: _NOT_BONE = None
    escc: _NOT_BONE = None
    neurological_deficit: _NOT_BONE = None
    deficit_onset_days: _NOT_BONE = None
    paraplegia_hours: _NOT_BONE = None
    retropulsion: _NOT_BONE = None
    posterior_wall_intact: _NOT_BONE = None
    soft_tissue_extension: _NOT_BONE = None

    @field_validator("region")
    @classmethod
    def _femur_region(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and info.data.get("site") == "femur" and v not in FEMUR_REGIONS:
            raise ValueError(f"femur region must be one of {', '.join(FEMUR_REGIONS)}")
        return v


def _lesion_family(value: object) -> str | None:
    site = value.get("site") if isinstance(value, dict) else getattr(value, "site", None)
    if site == "spine":
        return "spine"
    if site in BONE_SITES:
        return "bone"
    return None


Lesion = Annotated[
    Annotated[SpinalLesion, Tag("spine")] | Annotated[BoneLesion, Tag("bone")],
    Discriminator(
        _lesion_family,
        custom_error_type="invalid_site",
        custom_error_message="site must be 'spine' or one of: " + ", ".join(BONE_SITES),
    ),
]

Route = Literal[
    "oral", "transdermal", "intravenous", "subcutaneous", "intramuscular", "sublingual",
    "buccal", "intranasal", "rectal",
]


class Medication(_Model):
    drug: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    status: Literal["active", "planned", "completed", "stopped"] | None = None
    route: Route | None = None
    daily_dose_mg: Annotated[float, Field(ge=0)] | None = None
    rate_mcg_per_h: Annotated[float, Field(ge=0)] | None = None
    started: IsoDate | None = None
    last_dose: IsoDate | None = None
    doses_given: Count | None = None
    rxnorm: str | None = None


class PainAssessment(_Model):
    date: IsoDate
    lesion: str | None = None
    worst_pain: PainScore | None = None
    omed_mg_per_day: Annotated[float, Field(ge=0)] | None = None
    analgesics: Annotated[list[Medication], _most("analgesics")] | None = None


class Event(_Model):
    type: Literal[
        "pathological-fracture", "spinal-cord-compression", "radiation-to-bone",
        "surgery-to-bone", "hypercalcemia", "death",
    ]
    date: IsoDate | None = None
    lesion: str | None = None


class Case(_Model):
    """A patient with bone metastases, as one ``osseous.case/1`` document."""

    format: Literal["osseous.case/1"] = CASE_FORMAT
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")] | None = None
    assessed_on: IsoDate | None = None
    patient: Patient = Patient()
    cancer: Cancer = Cancer()
    labs: Annotated[list[Lab], _most("labs")] | None = None
    lesions: Annotated[list[Lesion], _most("lesions")] = []
    medications: Annotated[list[Medication], _most("medications")] | None = None
    pain_assessments: Annotated[list[PainAssessment], _most("pain_assessments")] | None = None
    events: Annotated[list[Event], _most("events")] | None = None

    @property
    def spinal_lesions(self) -> list[tuple[int, SpinalLesion]]:
        return [(i, les) for i, les in enumerate(self.lesions) if isinstance(les, SpinalLesion)]

    @property
    def bone_lesions(self) -> list[tuple[int, BoneLesion]]:
        return [(i, les) for i, les in enumerate(self.lesions) if isinstance(les, BoneLesion)]
