"""Record what clinicians do with CDS Hooks cards (feedback), idempotently.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 19:41:55.874176
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cds_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=64), nullable=False),
    sa.Column('card', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('outcome_timestamp', sa.String(length=40), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('accepted_suggestions', sa.Text(), nullable=True),
    sa.Column('client', sa.String(length=256), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cds_feedback')),
    sa.UniqueConstraint('service', 'card', 'outcome', 'outcome_timestamp', name=op.f('uq_cds_feedback_service'))
    )
    with op.batch_alter_table('cds_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cds_feedback_card'), ['card'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('cds_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cds_feedback_card'))

    op.drop_table('cds_feedback')
