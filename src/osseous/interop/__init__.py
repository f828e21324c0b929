"""Integration with electronic health records: FHIR R4 / mCODE in and out, CDS Hooks."""
