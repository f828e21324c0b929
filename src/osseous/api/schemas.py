"""Request and response bodies of the API (strict: unknown fields are refused)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from osseous.registry.repository import PSEUDONYM_MAX, PSEUDONYM_PATTERN, pseudonym_problem


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


#: stored times are UTC; SQLite hands them back without a zone, PostgreSQL with one
Utc = Annotated[datetime, AfterValidator(_utc)]

Text64 = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.@+-]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LooseDates(BaseModel):
    """For bodies with dates: JSON strings are parsed (strict mode would refuse them)."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel):
    items: list[Any]
    total: int
    limit: int
    offset: int


class TokenRequest(Strict):
    username: Text64
    password: Annotated[str, Field(min_length=1, max_length=256)]
    name: Annotated[str, Field(max_length=64)] = "api"
    days: Annotated[int, Field(ge=1, le=365)] = 30


class TokenOut(BaseModel):
    id: int
    token: str
    expires_at: Utc | None
    role: str


class UserIn(Strict):
    username: Text64
    password: Annotated[str, Field(min_length=10, max_length=256)]
    role: Literal["clinician", "coordinator", "researcher", "admin"]


class UserOut(BaseModel):
    id: int
    username: str
    role: str
    active: bool


def _pseudonym(value: str) -> str:
    why = pseudonym_problem(value)
    if why:
        raise ValueError(why)
    return value


#: the registry's rule (:func:`osseous.registry.repository.pseudonym_problem`, applied by the
#: web forms and imports too), also described in the OpenAPI schema
Pseudonym = Annotated[str, Field(min_length=1, max_length=PSEUDONYM_MAX,
                                 pattern=PSEUDONYM_PATTERN), AfterValidator(_pseudonym)]


class PatientIn(Strict):
    pseudonym: Pseudonym
    mrn: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class PatientPatch(Strict):
    pseudonym: Pseudonym | None = None
    mrn: Annotated[str, Field(min_length=1, max_length=64)] | None = None


class PatientOut(BaseModel):
    id: str
    pseudonym: str
    mrn: str | None
    version: int
    created_at: Utc
    updated_at: Utc


class CaseIn(Strict):
    patient_id: Annotated[str, Field(min_length=1, max_length=36)]
    document: dict[str, Any]


class AgendaPatch(LooseDates):
    status: Literal["backlog", "scheduled", "discussed", "follow-up"] | None = None
    board_date: date | None = None


class CaseOut(BaseModel):
    id: str
    patient_id: str
    status: str
    board_date: date | None
    version: int
    current_version: int
    created_at: Utc
    updated_at: Utc
    document: dict[str, Any] | None = None


class QueueItem(CaseOut):
    """A case of the work queue (``GET /cases``): the case's fields as before, and what the
    list of the pages shows, kept from its latest stored assessment and its decisions."""

    pseudonym: str
    assessed: bool = Field(description="False until an assessment of the case is stored")
    urgency: Literal["emergency", "urgent", "routine", "none"] | None = Field(
        description="The most urgent alert or open problem: emergency (critical alert or "
                    "emergency problem), urgent, routine, or none; null when not assessed")
    top_severity: Literal["critical", "warning", "info"] | None
    top_alert: str | None = Field(description="The most urgent alert's message, else the "
                                              "most urgent open problem's title")
    primary: str | None
    open_problems: int | None
    undecided_options: int | None = Field(description="Options of the open problems the "
                                                      "board has not decided on")
    overdue: list[str] = Field(description="Monitoring duties past their due date")


class QueuePage(BaseModel):
    items: list[QueueItem]
    total: int
    limit: int
    offset: int


class VersionOut(BaseModel):
    number: int
    created_at: Utc
    created_by: str
    document: dict[str, Any]


class AssessmentOut(BaseModel):
    id: int
    case_id: str
    case_version: int
    engine_version: str
    knowledge_version: str
    created_at: Utc
    created_by: str
    document: dict[str, Any]


class DecisionIn(LooseDates):
    recommendation_id: Annotated[str, Field(min_length=1, max_length=128)]
    lesion: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    decision: Literal["accepted", "modified", "declined"]
    reason: Annotated[str, Field(max_length=2000)] | None = None
    specialty: Annotated[str, Field(max_length=64)] | None = None
    due_date: date | None = None
    problem: Annotated[str, Field(min_length=1, max_length=128)] | None = Field(
        None, description="The problem of the assessment the decision answers; found from "
                          "the option when left out")
    owner: Annotated[str, Field(max_length=128)] | None = Field(
        None, description="Who carries it out (a person or a team)")
    confirm: bool = Field(False, description="Record a decision that reverses the latest one "
                                             "on the same option (refused with 409 without)")


class DecisionOut(BaseModel):
    id: int
    case_id: str
    case_version: int
    recommendation_id: str
    lesion: str | None
    decision: str
    reason: str | None
    specialty: str | None
    due_date: date | None
    decided_by: str
    decided_at: Utc
    version: int
    problem: str | None = None
    owner: str | None = None
    title: str | None = Field(None, description="The option's title in words")


class TreatmentIn(LooseDates):
    """A treatment given: a radiotherapy course or procedure on a lesion, or a drug."""

    kind: Literal["radiotherapy", "procedure", "drug"]
    lesion: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    course: dict[str, Any] | None = None
    procedure: dict[str, Any] | None = None
    drug: dict[str, Any] | None = None


class AuditOut(BaseModel):
    id: int
    at: Utc
    username: str | None
    role: str | None
    action: str
    resource: str
    resource_id: str | None
    patient_id: str | None
    client: str | None
    outcome: str
    detail: str | None
