"""announcements: what staff write to many Hubs, the Hubs each went to, and its emails

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 06:09:57.721942
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import models.base

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('audience', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('state', sa.Enum('draft', 'awaiting_approval', 'scheduled', 'sending', 'sent', 'cancelled', name='announcementstate', native_enum=False, length=32), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('send_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('schedule_version', sa.Integer(), nullable=False),
    sa.Column('flow_run_id', sa.String(length=64), nullable=True),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('hubs', sa.Integer(), nullable=False),
    sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['staff_members.id'], name=op.f('fk_announcements_approved_by_id_staff_members')),
    sa.ForeignKeyConstraint(['author_id'], ['staff_members.id'], name=op.f('fk_announcements_author_id_staff_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements'))
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_state'), ['state'], unique=False)

    op.create_table('announcement_hubs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_hubs_announcement_id_announcements')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_announcement_hubs_hub_id_hubs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_hubs')),
    sa.UniqueConstraint('announcement_id', 'hub_id', name=op.f('uq_announcement_hubs_announcement_id_hub_id'))
    )
    with op.batch_alter_table('announcement_hubs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_hubs_announcement_id'), ['announcement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_hubs_hub_id'), ['hub_id'], unique=False)

    with op.batch_alter_table('emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announcement_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_emails_announcement_id'), ['announcement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_emails_announcement_id_announcements'), 'announcements', ['announcement_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('emails', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_emails_announcement_id_announcements'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_emails_announcement_id'))
        batch_op.drop_column('announcement_id')

    with op.batch_alter_table('announcement_hubs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_hubs_hub_id'))
        batch_op.drop_index(batch_op.f('ix_announcement_hubs_announcement_id'))

    op.drop_table('announcement_hubs')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_state'))

    op.drop_table('announcements')
