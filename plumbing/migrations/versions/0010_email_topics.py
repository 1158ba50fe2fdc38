"""email topics: an address may stop reminders or announcements and keep the rest

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import models.base

from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'email_opt_outs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('topic', sa.String(length=32), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_opt_outs')),
        sa.UniqueConstraint('email', 'topic', name=op.f('uq_email_opt_outs_email_topic')),
    )
    op.create_index(op.f('ix_email_opt_outs_email'), 'email_opt_outs', ['email'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_email_opt_outs_email'), table_name='email_opt_outs')
    op.drop_table('email_opt_outs')
