"""Web UI logouts end the session on the server: the nonces of sessions ended before their
cookie expires.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions_ended",
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("until", sa.Float, nullable=False),
    )
    op.create_index("ix_web_sessions_ended_until", "web_sessions_ended", ["until"])


def downgrade() -> None:
    op.drop_table("web_sessions_ended")
