"""FHIR R4 / mCODE in: the import's public entry point.

The mapping itself lives in :mod:`osseous.interop.mapping` (one module per resource type) and
the codes it reads in :mod:`osseous.interop.terminology`.
"""

from __future__ import annotations

from osseous.interop.mapping import MappingReport, MappingResult, bundle_to_case

__all__ = ["MappingReport", "MappingResult", "bundle_to_case"]
