"""Security: CDS ``jti`` values seen (replay protection shared by every worker and host), a
per-deployment secret (CSRF tokens), an index on the audit trail's client address (sign-in
throttling counts failures per address), and room in ``audit_events.patient_id`` for a FHIR
id (up to 64 characters) from CDS Hooks calls.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

APPEND_ONLY_SQLITE = (  # as in 0001 (a migration never changes, so it is copied, not shared)
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cds_jti',
    sa.Column('jti', sa.String(length=256), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('jti', name=op.f('pk_cds_jti')),
    )
    op.create_index(op.f('ix_cds_jti_expires_at'), 'cds_jti', ['expires_at'], unique=False)
    op.create_table('service_secrets',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_service_secrets')),
    )
    op.create_index(op.f('ix_audit_events_client'), 'audit_events', ['client'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot alter a column: the table is copied, and its append-only triggers
        # (which belong to the old table) are created again on the copy
        with op.batch_alter_table('audit_events', recreate='always') as batch_op:
            batch_op.alter_column('patient_id', type_=sa.String(length=64),
                                  existing_type=sa.String(length=36))
        for statement in APPEND_ONLY_SQLITE:
            op.execute(statement)
    else:
        op.alter_column('audit_events', 'patient_id', type_=sa.String(length=64),
                        existing_type=sa.String(length=36))


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_events_client'), table_name='audit_events')
    op.drop_table('service_secrets')
    op.drop_index(op.f('ix_cds_jti_expires_at'), table_name='cds_jti')
    op.drop_table('cds_jti')
