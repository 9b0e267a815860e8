"""helplines: chat, cost, always open, the checked page's date; `verified_on` becomes `checked_on`

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 18:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('content_helplines') as batch:
        batch.add_column(sa.Column('chat', sa.String(length=600), nullable=True))
        batch.add_column(sa.Column('cost', sa.String(length=20), nullable=False, server_default='unknown'))
        batch.add_column(sa.Column('always_open', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('source_date', sa.String(length=10), nullable=False, server_default='unknown'))
        batch.alter_column('verified_on', new_column_name='checked_on')
        batch.alter_column('hours', type_=sa.String(length=300), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('content_helplines') as batch:
        batch.alter_column('hours', type_=sa.String(length=120), existing_nullable=False)
        batch.alter_column('checked_on', new_column_name='verified_on')
        batch.drop_column('source_date')
        batch.drop_column('always_open')
        batch.drop_column('cost')
        batch.drop_column('chat')
