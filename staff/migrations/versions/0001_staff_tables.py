"""staff review app: accounts, sessions, login failures, reviews, notes, labels, alerts, audit log

Revision ID: staff0001
Revises:
Create Date: 2026-12-01 22:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'staff0001'
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

# The audit log is append-only in the database itself, not only in the app's code.
SQLITE_TRIGGERS = [
    "CREATE TRIGGER staff_audit_no_update BEFORE UPDATE ON staff_audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER staff_audit_no_delete BEFORE DELETE ON staff_audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION staff_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
    "CREATE TRIGGER staff_audit_no_change BEFORE UPDATE OR DELETE ON staff_audit "
    "FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only()",
]


def upgrade() -> None:
    op.create_table(
        'staff_users',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('username', sa.String(64), nullable=False, unique=True),
        sa.Column('password_hash', sa.String(255), nullable=False),
        sa.Column('role', sa.String(16), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('last_login_at', TZ),
    )
    op.create_table(
        'staff_sessions',
        sa.Column('token_hash', sa.String(64), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('staff_users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('csrf_token', sa.String(64), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('last_seen_at', TZ, nullable=False),
    )
    op.create_table(
        'staff_login_failures',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('username', sa.String(64), nullable=False, index=True),
        sa.Column('at', TZ, nullable=False),
    )
    op.create_table(
        'staff_reviews',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('sender_id', sa.String(255), nullable=False, unique=True),
        sa.Column('status', sa.String(16), nullable=False, server_default='new'),
        sa.Column('outcome', sa.String(32)),
        sa.Column('assigned_to', sa.Integer(), sa.ForeignKey('staff_users.id', ondelete='SET NULL')),
        sa.Column('first_seen_at', TZ, nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
        sa.Column('resolved_at', TZ),
    )
    op.create_table(
        'staff_notes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('sender_id', sa.String(255), nullable=False, index=True),
        sa.Column('author', sa.String(64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
    )
    op.create_table(
        'staff_labels',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('sender_id', sa.String(255), nullable=False, index=True),
        sa.Column('event_id', sa.Integer(), nullable=False, unique=True),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('level', sa.String(16), nullable=False),
        sa.Column('labelled_by', sa.String(64), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
    )
    op.create_table(
        'staff_alerts',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('sender_id', sa.String(255), nullable=False),
        sa.Column('level', sa.String(16), nullable=False),
        sa.Column('via', sa.String(16), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('next_attempt_at', TZ, nullable=False),
        sa.Column('claimed_until', TZ),
        sa.Column('delivered_at', TZ),
        sa.Column('last_error', sa.String(300)),
        sa.UniqueConstraint('sender_id', 'level', 'via', name='uq_staff_alerts_once'),
    )
    op.create_table(
        'staff_audit',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('at', TZ, nullable=False),
        sa.Column('actor', sa.String(64), nullable=False),
        sa.Column('action', sa.String(48), nullable=False),
        sa.Column('target', sa.String(255), nullable=False, server_default=''),
        sa.Column('detail', sa.Text(), nullable=False, server_default=''),
    )
    triggers = POSTGRES_TRIGGERS if op.get_bind().dialect.name == 'postgresql' else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS staff_audit_no_change ON staff_audit")
        op.execute("DROP FUNCTION IF EXISTS staff_audit_append_only()")
    for table in ('staff_audit', 'staff_alerts', 'staff_labels', 'staff_notes', 'staff_reviews',
                  'staff_login_failures', 'staff_sessions', 'staff_users'):
        op.drop_table(table)
