"""The registry: patients, versioned cases, assessments, board decisions, users and the audit
trail, stored with SQLAlchemy in SQLite (default) or PostgreSQL."""

# the case list's overview rows are kept by events on assessments and decisions
from osseous.registry import overview as _overview  # noqa: F401
