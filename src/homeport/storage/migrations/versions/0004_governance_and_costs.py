"""Teams, key scopes and limits, the hash-chained audit log, the cost of each request.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def _limits() -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column("budget", sa.Float, nullable=True),
            sa.Column("budget_period", sa.String(8), nullable=True),
            sa.Column("on_exhausted", sa.String(8), nullable=True),
            sa.Column("rpm", sa.Integer, nullable=True),
            sa.Column("tpm", sa.Integer, nullable=True)]


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("allowed_models", sa.Text, nullable=True))
        batch.add_column(sa.Column("allowed_kbs", sa.Text, nullable=True))
        for column in _limits():
            batch.add_column(column)
    op.create_table(
        "teams",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("description", sa.String(1000), nullable=False),
        *_limits(),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    # every team a key already names becomes a team row
    op.execute("INSERT INTO teams (name, description, created_at) "
               "SELECT team, '', MIN(created_at) FROM api_keys GROUP BY team")
    op.create_table(
        "audit_log",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=False),
        sa.Column("ts", sa.Float, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_ts", "audit_log", ["ts"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("tier", sa.String(8), nullable=True))
        batch.add_column(sa.Column("cost", sa.Float, nullable=True))
        batch.add_column(sa.Column("cost_equivalent", sa.Float, nullable=True))
        batch.add_column(sa.Column("energy_wh", sa.Float, nullable=True))
        batch.add_column(sa.Column("busy_s", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        for name in ("busy_s", "energy_wh", "cost_equivalent", "cost", "tier"):
            batch.drop_column(name)
    op.drop_table("audit_head")
    op.drop_table("audit_log")
    op.drop_table("teams")
    with op.batch_alter_table("api_keys") as batch:
        for name in ("tpm", "rpm", "on_exhausted", "budget_period", "budget", "allowed_kbs",
                     "allowed_models"):
            batch.drop_column(name)
