"""staff work: notes on Hubs, corrections with history, what SendGrid last said of an email

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import models.base

from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'hub_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hub_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('follow_up', sa.Date(), nullable=True),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_hub_notes_hub_id_hubs')),
        sa.ForeignKeyConstraint(
            ['author_id'], ['staff_members.id'], name=op.f('fk_hub_notes_author_id_staff_members')
        ),
        sa.ForeignKeyConstraint(
            ['task_id'], ['review_tasks.id'], name=op.f('fk_hub_notes_task_id_review_tasks')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_notes')),
    )
    op.create_index(op.f('ix_hub_notes_hub_id'), 'hub_notes', ['hub_id'], unique=False)
    op.create_table(
        'hub_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hub_id', sa.Integer(), nullable=False),
        sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('field', sa.String(length=80), nullable=False),
        sa.Column('before', sa.Text(), nullable=False),
        sa.Column('after', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['hub_id'], ['hubs.id'], name=op.f('fk_hub_corrections_hub_id_hubs')
        ),
        sa.ForeignKeyConstraint(
            ['staff_id'], ['staff_members.id'],
            name=op.f('fk_hub_corrections_staff_id_staff_members'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_corrections')),
    )
    op.create_index(
        op.f('ix_hub_corrections_hub_id'), 'hub_corrections', ['hub_id'], unique=False
    )
    with op.batch_alter_table('emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('delivery_at', models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('emails', schema=None) as batch_op:
        batch_op.drop_column('delivery_at')
        batch_op.drop_column('delivery')
    op.drop_index(op.f('ix_hub_corrections_hub_id'), table_name='hub_corrections')
    op.drop_table('hub_corrections')
    op.drop_index(op.f('ix_hub_notes_hub_id'), table_name='hub_notes')
    op.drop_table('hub_notes')
