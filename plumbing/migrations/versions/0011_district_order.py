"""district order: each district's place in the order people count them, for ORDER BY

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from models.legislature import district_order


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_key', sa.String(length=200), server_default='', nullable=False))
    bind = op.get_bind()
    districts = sa.table('districts', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('sort_key', sa.String))
    rows = bind.execute(sa.select(districts.c.id, districts.c.name)).all()
    for district_id, name in rows:
        bind.execute(districts.update().where(districts.c.id == district_id).values(sort_key=district_order(name)))


def downgrade() -> None:
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_column('sort_key')
