"""exercise steps: how an answer is acknowledged, and under which name it is kept

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 15:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('content_exercise_steps') as batch:
        batch.add_column(sa.Column('ack', sa.Text(), nullable=True))
        batch.add_column(sa.Column('keep', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('content_exercise_steps') as batch:
        batch.drop_column('keep')
        batch.drop_column('ack')
