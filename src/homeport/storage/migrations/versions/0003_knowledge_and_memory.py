"""Knowledge bases, durable ingestion jobs, stored conversations; full-text indexes.

Vector tables are created by knowledge/store on first use: their width follows the embedding
model, and Postgres needs the pgvector extension only once vectors are stored.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "knowledge_bases",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sensitivity", sa.String(16), nullable=False),
        sa.Column("readers", sa.Text, nullable=False),
        sa.Column("embed_model", sa.String(200), nullable=False),
        sa.Column("dims", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_by", sa.String(32), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False))
    op.create_table(
        "kb_documents",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kb_id", sa.String(40), sa.ForeignKey("knowledge_bases.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("chunks", sa.Integer, nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("sensitivity", sa.String(16), nullable=True),
        sa.Column("entity_types", sa.String(300), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.UniqueConstraint("kb_id", "source", name="uq_kb_documents_source"))
    op.create_table(
        "kb_chunks",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("kb_id", sa.String(40), nullable=False),
        sa.Column("document_id", sa.String(40),
                  sa.ForeignKey("kb_documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("live", sa.Boolean, nullable=False),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("page", sa.Integer, nullable=True),
        sa.Column("offset", sa.Integer, nullable=False),
        sa.Column("tokens", sa.Integer, nullable=False),
        sa.Column("embedding", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("document_id", "generation", "seq", name="uq_kb_chunks_seq"))
    op.create_index("ix_kb_chunks_kb", "kb_chunks", ["kb_id"])
    op.create_table(
        "ingest_jobs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kb_id", sa.String(40), sa.ForeignKey("knowledge_bases.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False))
    op.create_index("ix_ingest_jobs_status", "ingest_jobs", ["status"])
    op.create_table(
        "ingest_files",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.String(40), sa.ForeignKey("ingest_jobs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("path", sa.String(2000), nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("document_id", sa.String(40), nullable=True),
        sa.Column("generation", sa.Integer, nullable=True),
        sa.Column("chunks", sa.Integer, nullable=False),
        sa.Column("chunks_done", sa.Integer, nullable=False),
        sa.Column("heartbeat", sa.Float, nullable=True),
        sa.Column("updated_at", sa.Float, nullable=False))
    op.create_index("ix_ingest_files_job", "ingest_files", ["job_id"])
    op.create_index("ix_ingest_files_status", "ingest_files", ["status"])
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False))
    op.create_index("ix_conversations_user", "conversations", ["user_id"])
    op.create_index("ix_conversations_updated", "conversations", ["updated_at"])
    op.create_table(
        "conversation_messages",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(40),
                  sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("sensitivity", sa.String(16), nullable=True),
        sa.Column("ts", sa.Float, nullable=False))
    op.create_index("ix_conversation_messages_conv", "conversation_messages",
                    ["conversation_id"])
    if op.get_bind().dialect.name == "sqlite":
        # Contentless: the text lives in kb_chunks; rowid = kb_chunks.id; only live chunks.
        op.execute("CREATE VIRTUAL TABLE kb_chunks_fts USING fts5(body, kb, content='', "
                   "contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2')")
    else:
        op.execute("ALTER TABLE kb_chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
                   "(to_tsvector('english', context || ' ' || text)) STORED")
        op.execute("CREATE INDEX ix_kb_chunks_tsv ON kb_chunks USING gin (tsv) WHERE live")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE kb_chunks_fts")
    for table in ("conversation_messages", "conversations", "ingest_files", "ingest_jobs",
                  "kb_chunks", "kb_documents", "knowledge_bases"):
        op.drop_table(table)
