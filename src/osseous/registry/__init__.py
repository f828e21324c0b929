"""The registry: patients, versioned cases, assessments, board decisions, users and the audit
trail, stored with SQLAlchemy in SQLite (default) or PostgreSQL."""
