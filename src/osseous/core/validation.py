"""Turning untrusted input into a :class:`~osseous.core.case.Case`, or a list of problems.

Each problem names the JSON path (``lesions[1].escc``), the value given and what is allowed.
A document with any problem is rejected whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from osseous.core.case import CASE_FORMAT, MAX_ITEMS, Case
from osseous.core.errors import InvalidInput, Problem

_UNION_TAGS = frozenset({"spine", "bone"})


@dataclass(frozen=True, slots=True)
class ParsedCase:
    """A valid case and the paths of the fields it ignored (unknown to this format version)."""

    case: Case
    ignored_fields: tuple[str, ...]


def json_path(loc: tuple[int | str, ...]) -> str:
    """``("lesions", 1, "spine", "escc")`` -> ``"lesions[1].escc"`` (union tags dropped)."""
    out = ""
    previous: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(previous, int) and part in _UNION_TAGS:
            pass
        else:
            out += f".{part}" if out else part
        previous = part
    return out


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind in {"int_type", "float_type"}:
        return "must be a number" if kind == "float_type" else "must be a whole number"
    if kind == "bool_type":
        return "must be true or false"
    if kind == "list_type":
        return "must be a list"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return "must be an object"
    msg = str(err["msg"]).replace("Input should be", "must be")
    return msg[0].lower() + msg[1:] if msg else kind


def problems_from(exc: ValidationError) -> list[Problem]:
    """One :class:`Problem` per pydantic error, with case paths and plain messages."""
    problems = []
    for err in exc.errors(include_url=False):
        value = None if err["type"] == "missing" else err.get("input")
        if isinstance(value, dict | list):
            value = None  # whole objects make unreadable messages; the path says where
        problems.append(Problem(json_path(tuple(err["loc"])), _message(err), value))
    return problems


def _cross_reference_problems(case: Case) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for i, lesion in enumerate(case.lesions):
        if lesion.id in seen:
            problems.append(Problem(f"lesions[{i}].id",
                                    f"lesion ids must be unique (also used by lesions"
                                    f"[{seen[lesion.id]}])", lesion.id))
        seen.setdefault(lesion.id, i)
    references = [("pain_assessments", i, a.lesion)
                  for i, a in enumerate(case.pain_assessments or [])]
    references += [("events", i, e.lesion) for i, e in enumerate(case.events or [])]
    for name, i, ref in references:
        if ref is not None and ref not in seen:
            problems.append(Problem(f"{name}[{i}].lesion",
                                    "refers to a lesion id that is not in 'lesions'", ref))
    return problems


_FIELDS: dict[type[BaseModel], frozenset[str]] = {}


def _fields(cls: type[BaseModel]) -> frozenset[str]:
    # model_fields is a computed class property in pydantic 2.11+: cached here because this
    # walk runs for every sub-object of every document (a hot path for cohort analytics)
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = frozenset(cls.model_fields)
    return found


def _unknown(model: BaseModel, raw: object, path: str, out: list[str]) -> list[str]:
    """Append the paths of the keys of ``raw`` that ``model`` has no field for, recursively.
    Only dict and list values are walked into: a scalar under a known key cannot hide one."""
    if not isinstance(raw, dict):
        return out
    fields = _fields(type(model))
    for key, value in raw.items():
        if key not in fields:
            out.append(f"{path}.{key}" if path else str(key))
        elif isinstance(value, dict):
            attr = getattr(model, key)
            if isinstance(attr, BaseModel):
                _unknown(attr, value, f"{path}.{key}" if path else key, out)
        elif isinstance(value, list) and value:
            attr = getattr(model, key)
            if isinstance(attr, list):
                sub = f"{path}.{key}" if path else key
                for i, (item, raw_item) in enumerate(zip(attr, value, strict=False)):
                    if isinstance(item, BaseModel) and isinstance(raw_item, dict):
                        _unknown(item, raw_item, f"{sub}[{i}]", out)
    return out


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None: a NUL character (PostgreSQL refuses it) or a
    lone UTF-16 surrogate (no UTF-8 encoding exists, so every later read would fail)."""
    if "\x00" in text:
        return "may not contain the NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "may not contain a lone surrogate (not a character)"
    return None


def _text_problems(data: object, out: list[Problem]) -> None:
    """Every string (and key) of ``data`` that cannot be stored; iterative, so nesting depth
    cannot exhaust the stack."""
    stack: list[tuple[object, tuple[str | int, ...]]] = [(data, ())]
    while stack and len(out) < 50:
        value, path = stack.pop()
        if isinstance(value, str):
            why = text_problem(value)
            if why:
                out.append(Problem(json_path(path), why))
        elif isinstance(value, dict):
            for key, item in value.items():
                why = text_problem(str(key))
                if why:
                    out.append(Problem(json_path(path), f"a key {why}"))
                stack.append((item, (*path, str(key))))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))


def _refused_at_the_door(data: dict[str, Any]) -> list[Problem]:
    """Lists over their limit (refused before any item is validated: validating 100 000 items
    only to refuse them would itself be the slow request the limit prevents), and text that
    cannot be stored."""
    out = [Problem(key, f"at most {MAX_ITEMS[key]} items (given {len(data[key])})")
           for key in ("lesions", "labs", "medications", "pain_assessments", "events")
           if isinstance(data.get(key), list) and len(data[key]) > MAX_ITEMS[key]]
    if not out:
        _text_problems(data, out)
    return out


def parse_case(data: object, *, list_ignored: bool = True) -> ParsedCase:
    """Validate a decoded JSON document as ``osseous.case/1``.

    Raises :class:`InvalidInput` listing every problem; nothing is partially accepted.
    ``list_ignored=False`` skips listing the fields the model ignores (cohort analytics over a
    registry never show them, and the walk is a third of the cost of validation).
    """
    if not isinstance(data, dict):
        raise InvalidInput([Problem("", f"expected a JSON object ({CASE_FORMAT}), got "
                                        f"{type(data).__name__}")])
    fmt = data.get("format", CASE_FORMAT)
    if fmt != CASE_FORMAT:
        raise InvalidInput([Problem("format", f"must be '{CASE_FORMAT}'", fmt)])
    refused = _refused_at_the_door(data)
    if refused:
        raise InvalidInput(refused)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc)) from None
    problems = _cross_reference_problems(case)
    if problems:
        raise InvalidInput(problems)
    return ParsedCase(case, tuple(_unknown(case, data, "", [])) if list_ignored else ())


def parse_case_json(text: bytes | str) -> ParsedCase:
    """Decode JSON text and validate it as a case."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput([Problem("", f"not valid JSON: {exc}")]) from None
    return parse_case(data)
