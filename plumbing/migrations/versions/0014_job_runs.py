"""job runs: the last run of the sweep, the daily report and dispatch, for an operator

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 06:58:14.278676
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_failure', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('name', name=op.f('uq_job_runs_name'))
    )


def downgrade() -> None:
    op.drop_table('job_runs')
