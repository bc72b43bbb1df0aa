"""Daily rollups of the request ledger, so reports read a few thousand rows instead of every
request (economics/rollup.py). Derived data: dropping and rebuilding them loses nothing.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COUNTS = ("requests", "errors", "prompt_tokens", "completion_tokens", "local_requests",
          "ok_requests", "ok_local_requests", "confidential", "restricted")
AMOUNTS = ("cost", "cost_equivalent", "savings", "energy_wh", "ok_cloud_cost", "ok_local_cost",
           "ok_local_eq", "ok_local_energy")


def upgrade() -> None:
    op.create_table(
        "ledger_daily",
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("dim", sa.String(16), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=True),
        sa.Column("sub", sa.String(200), nullable=True),
        sa.Column("lat", sa.Integer, nullable=False),
        *(sa.Column(name, sa.BigInteger, nullable=False) for name in COUNTS),
        *(sa.Column(name, sa.Float, nullable=True) for name in AMOUNTS),
    )
    op.create_index("ix_ledger_daily_dim_day", "ledger_daily", ["dim", "day"])
    op.create_table(
        "ledger_daily_days",
        sa.Column("day", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("requests", sa.BigInteger, nullable=False),
        sa.Column("built_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ledger_daily_days")
    op.drop_index("ix_ledger_daily_dim_day", "ledger_daily")
    op.drop_table("ledger_daily")
