"""Knowledge base names are unique within their team, not across teams: two teams may each
have a `handbook`, and a name another team took no longer tells anything.

SQLite cannot drop a column's UNIQUE constraint in place: the table is rebuilt (batch mode).
Database.migrate turns SQLite's foreign keys off around migrations for that, as SQLite's own
procedure requires: with them on, dropping the old table would cascade to every document and
job of every knowledge base.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _table(name_unique: bool) -> sa.Table:
    """knowledge_bases as 0003 made it, with or without the UNIQUE on `name`."""
    return sa.Table(
        "knowledge_bases", sa.MetaData(),
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=name_unique),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sensitivity", sa.String(16), nullable=False),
        sa.Column("readers", sa.Text, nullable=False),
        sa.Column("embed_model", sa.String(200), nullable=False),
        sa.Column("dims", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_by", sa.String(32), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False))


def _name_constraints() -> list[str]:
    """The names of the UNIQUE constraints on `name` alone (Postgres: knowledge_bases_name_key)."""
    found = sa.inspect(op.get_bind()).get_unique_constraints("knowledge_bases")
    return [str(c["name"]) for c in found if c["column_names"] == ["name"] and c["name"]]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("knowledge_bases", copy_from=_table(name_unique=False),
                                  recreate="always") as batch:
            batch.create_unique_constraint("uq_knowledge_bases_team_name", ["team", "name"])
        return
    for name in _name_constraints():
        op.drop_constraint(name, "knowledge_bases", type_="unique")
    op.create_unique_constraint("uq_knowledge_bases_team_name", "knowledge_bases",
                                ["team", "name"])


def downgrade() -> None:  # fails if two teams have bases of the same name
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("knowledge_bases", copy_from=_table(name_unique=True),
                                  recreate="always"):
            pass  # rebuilt as 0003 made it
        return
    op.drop_constraint("uq_knowledge_bases_team_name", "knowledge_bases", type_="unique")
    op.create_unique_constraint("knowledge_bases_name_key", "knowledge_bases", ["name"])
