"""The third-party fixtures are the published bytes (SHA-256 as listed in their README)."""

from __future__ import annotations

import hashlib
import re

from tests.third_party import FIXTURES, REAL_WORLD, read_bytes


def test_compressed_fixtures_are_the_published_files() -> None:
    readme = (FIXTURES / "README.md").read_text()
    sums = re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.MULTILINE)
    assert len(sums) == 39
    for digest, name in sums:
        assert hashlib.sha256(read_bytes(REAL_WORLD / name)).hexdigest() == digest, name


def test_shared_fixture_copies_are_unchanged() -> None:
    readme = (FIXTURES / "README.third-party.md").read_text()
    sums = re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.MULTILINE)
    assert len(sums) == 23
    for digest, name in sums:
        assert hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() == digest, name
