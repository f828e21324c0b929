"""The REST API (FastAPI): a thin adapter over the registry and the plan."""
