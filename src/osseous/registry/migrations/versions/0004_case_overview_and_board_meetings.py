"""The case list's overview of each case, board meetings with their agenda, and the problem and
owner of a board decision.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_overview',
    sa.Column('case_id', sa.String(length=128), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('case_version', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('top_severity', sa.String(length=16), nullable=True),
    sa.Column('top_alert', sa.Text(), nullable=True),
    sa.Column('primary', sa.String(length=64), nullable=True),
    sa.Column('open_problems', sa.Integer(), nullable=False),
    sa.Column('undecided', sa.Integer(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('duties', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_overview_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_overview'))
    )
    with op.batch_alter_table('case_overview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_overview_rank'), ['rank'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_overview_primary'), ['primary'], unique=False)
    op.create_table('board_meetings',
    sa.Column('board_date', sa.Date(), nullable=False),
    sa.Column('attendees', sa.JSON(), nullable=False),
    sa.Column('chair', sa.String(length=128), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('board_date', name=op.f('pk_board_meetings'))
    )
    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_date', sa.Date(), nullable=False),
    sa.Column('case_id', sa.String(length=128), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('presenter', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_agenda_items_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sa.UniqueConstraint('board_date', 'case_id', name=op.f('uq_agenda_items_board_date'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_board_date'), ['board_date'], unique=False)
    with op.batch_alter_table('board_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('problem', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('owner', sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('board_decisions', schema=None) as batch_op:
        batch_op.drop_column('owner')
        batch_op.drop_column('problem')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_board_date'))
    op.drop_table('agenda_items')
    op.drop_table('board_meetings')
    with op.batch_alter_table('case_overview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_overview_primary'))
        batch_op.drop_index(batch_op.f('ix_case_overview_rank'))
    op.drop_table('case_overview')
