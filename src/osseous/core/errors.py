"""Errors raised by Osseous.

Every error that reaches a user names the field (as a JSON path into the case document), the value
that was given and what is allowed, one problem per entry.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem: where, what was given, what is allowed."""

    path: str
    message: str
    value: object = None

    def __str__(self) -> str:
        given = "" if self.value is None else f" (given: {self.value!r})"
        return f"{self.path or '(document)'}: {self.message}{given}"

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "message": self.message, "value": self.value}


class OsseousError(Exception):
    """Base class of every error Osseous raises on purpose."""


class InvalidInput(OsseousError, ValueError):
    """The input document or value is not acceptable; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def invalid(path: str, message: str, value: object = None) -> InvalidInput:
    """Shorthand for an :class:`InvalidInput` with a single problem."""
    return InvalidInput([Problem(path, message, value)])
