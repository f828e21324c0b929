"""Who may do what: the one table of roles and the actions each is permitted.

The API's dependencies, the pages' session checks, the analytics page and the registry's
service functions all ask this module, so a role means the same everywhere (a coordinator who
may prepare a meeting on the pages may do it through the API, and a researcher who sees only
aggregates on the analytics page sees only aggregates through the API).

Separation of duties (NIST SP 800-53 AC-5, AC-6 least privilege): the administrator manages
users and reads the audit trail but reads no patient data; a researcher reads aggregates only
(cells of fewer than ``OSSEOUS_SMALL_CELL`` patients suppressed); a coordinator prepares the
board (agenda, meetings) and reads the cases but records no clinical decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from osseous.registry.audit import Actor
from osseous.registry.errors import Forbidden


class Action(StrEnum):
    #: the service without patient data: who am I, the stateless assessment, revoking one's
    #: own tokens
    USE_SERVICE = "use-service"
    #: sign in to the pages (which pages then depends on the other actions)
    SIGN_IN_TO_PAGES = "sign-in-to-pages"
    #: read cases, patients, assessments, decisions, follow-up, the work queue
    READ_PATIENT_DATA = "read-patient-data"
    #: create and edit cases and patients, record board decisions and treatments
    WRITE_PATIENT_DATA = "write-patient-data"
    #: a case's status and board date, the meetings and their agendas
    MANAGE_AGENDA = "manage-agenda"
    #: the cohort analytics (aggregates)
    READ_ANALYTICS = "read-analytics"
    #: users and the audit trail
    ADMINISTER = "administer"


ROLES: Final = ("clinician", "coordinator", "researcher", "admin")

PERMITTED: Final[Mapping[str, frozenset[Action]]] = {
    "clinician": frozenset({Action.USE_SERVICE, Action.SIGN_IN_TO_PAGES,
                            Action.READ_PATIENT_DATA, Action.WRITE_PATIENT_DATA,
                            Action.MANAGE_AGENDA, Action.READ_ANALYTICS}),
    "coordinator": frozenset({Action.USE_SERVICE, Action.SIGN_IN_TO_PAGES,
                              Action.READ_PATIENT_DATA, Action.MANAGE_AGENDA,
                              Action.READ_ANALYTICS}),
    "researcher": frozenset({Action.USE_SERVICE, Action.SIGN_IN_TO_PAGES,
                             Action.READ_ANALYTICS}),
    "admin": frozenset({Action.USE_SERVICE, Action.ADMINISTER}),
}

#: what a refusal says, in words
_WHY: Final = {
    Action.USE_SERVICE: "this service",
    Action.SIGN_IN_TO_PAGES: "these pages",
    Action.READ_PATIENT_DATA: "patient data (for clinicians and coordinators)",
    Action.WRITE_PATIENT_DATA: "changing patient data or recording decisions (for clinicians)",
    Action.MANAGE_AGENDA: "the board's agenda (for clinicians and coordinators)",
    Action.READ_ANALYTICS: "the analytics",
    Action.ADMINISTER: "administration (for administrators)",
}


def allows(role: str | None, action: Action) -> bool:
    """Whether ``role`` may do ``action`` (an unknown role may do nothing)."""
    return action in PERMITTED.get(role or "", frozenset())


def roles(action: Action) -> frozenset[str]:
    """Every role permitted ``action``."""
    return frozenset(r for r, permitted in PERMITTED.items() if action in permitted)


def aggregates_only(role: str | None) -> bool:
    """Whether ``role`` sees the analytics with small cells suppressed: whoever may not read
    the cases themselves."""
    return allows(role, Action.READ_ANALYTICS) and not allows(role, Action.READ_PATIENT_DATA)


def refusal(role: str | None, action: Action) -> str:
    """The message of a refusal, in words."""
    return f"the {role or 'anonymous'} role has no access to {_WHY[action]}"


def check(actor: Actor, action: Action) -> None:
    """Raise :class:`Forbidden` unless the actor's role may do ``action``."""
    if not allows(actor.role, action):
        raise Forbidden(refusal(actor.role, action))
