"""Where the third-party fixtures live (``tests/fixtures``, see its README) and how to read them.

Large files are stored gzip-compressed; :func:`load` and :func:`read_bytes` open either form,
so a test names the file as published.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CDS_HOOKS = FIXTURES / "cds-hooks"
JWT = FIXTURES / "jwt"
FHIR = FIXTURES / "fhir"
REAL_WORLD = FHIR / "real-world"


def read_bytes(path: Path) -> bytes:
    """The published bytes of a fixture, whether stored plain or as ``<name>.gz``."""
    if path.exists():
        return path.read_bytes()
    return gzip.decompress(path.with_name(path.name + ".gz").read_bytes())


def load(path: Path) -> Any:
    return json.loads(read_bytes(path))


def published(folder: Path, suffix: str = ".json") -> list[Path]:
    """The published names of the fixtures in a folder (``.gz`` stripped), sorted."""
    names = {p.name.removesuffix(".gz") for p in folder.iterdir()}
    return sorted(folder / n for n in names if n.endswith(suffix))


def real_world_bundles() -> list[Path]:
    """Every real-world bundle: Synthea, Inferno and the mCODE trial-matching patients."""
    return [*published(REAL_WORLD / "synthea"), *published(REAL_WORLD / "inferno"),
            *sorted(FHIR.glob("mcode-*/*.json"))]
