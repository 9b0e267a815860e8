"""Rasa's tracker store table `events`, created here as Rasa 3.6's SQLTrackerStore defines it

Rasa creates it on first start when it is missing; with several workers starting at once on a fresh
PostgreSQL database they raced to create it (one logged a unique violation). Created by the
migrations, it exists before any worker starts. An existing table (made by Rasa) is left as it is.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table('events'):
        return
    op.create_table(
        'events',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('sender_id', sa.String(255), nullable=False),
        sa.Column('type_name', sa.String(255), nullable=False),
        sa.Column('timestamp', sa.Float()),
        sa.Column('intent_name', sa.String(255)),
        sa.Column('action_name', sa.String(255)),
        sa.Column('data', sa.Text()),
    )
    op.create_index('ix_events_sender_id', 'events', ['sender_id'])


def downgrade() -> None:
    pass  # the conversations are Rasa's: never dropped by a downgrade
