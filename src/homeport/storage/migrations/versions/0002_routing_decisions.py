"""The router's decision recorded with each request: sensitivity, entity types, task, reasons.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("sensitivity", sa.String(16), nullable=True))
        batch.add_column(sa.Column("entity_types", sa.String(300), nullable=True))
        batch.add_column(sa.Column("task", sa.String(32), nullable=True))
        batch.add_column(sa.Column("pseudonymized", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("reasons", sa.String(2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        for name in ("reasons", "pseudonymized", "task", "entity_types", "sensitivity"):
            batch.drop_column(name)
