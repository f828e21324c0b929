"""Shared test helpers."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher, profiles

from osseous.core.case import Case
from osseous.core.validation import parse_case

REFERENCE_DATE = "2026-11-20"

# argon2id at its cheapest in tests: the parameters are production's business, not the tests'
from osseous.registry import security  # noqa: E402

security.use_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))


def make_case(doc: dict[str, Any]) -> Case:
    """Validate a case fragment, with the test suite's reference date unless one is given."""
    data = {"assessed_on": REFERENCE_DATE, **doc}
    return parse_case(data).case


@pytest.fixture
def case_from():
    return make_case
