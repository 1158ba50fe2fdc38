"""newcomers: neighbours who want to help, routed to a listed Hub or waiting for one

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 06:30:31.465916
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import models.base

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('newcomers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('town', sa.String(length=100), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('interests', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('state', sa.Enum('waiting', 'introduced', 'reached', 'unreachable', name='newcomerstate', native_enum=False, length=32), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=True),
    sa.Column('token_version', sa.Integer(), nullable=False),
    sa.Column('signed_up_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('introduced_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('followed_up_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_newcomers_district_id_districts')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_newcomers_hub_id_hubs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newcomers')),
    sa.UniqueConstraint('email', name=op.f('uq_newcomers_email'))
    )
    with op.batch_alter_table('newcomers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newcomers_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_newcomers_hub_id'), ['hub_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_newcomers_state'), ['state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('newcomers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newcomers_state'))
        batch_op.drop_index(batch_op.f('ix_newcomers_hub_id'))
        batch_op.drop_index(batch_op.f('ix_newcomers_district_id'))

    op.drop_table('newcomers')
