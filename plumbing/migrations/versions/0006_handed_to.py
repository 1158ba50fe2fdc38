"""which flow run an event was handed to

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handed_to', sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.drop_column('handed_to')
