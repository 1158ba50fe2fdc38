"""a district's seats: several in Vermont's or New Hampshire's House

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('seats', sa.Integer(), nullable=False, server_default=sa.text('1'))
        )


def downgrade() -> None:
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_column('seats')
