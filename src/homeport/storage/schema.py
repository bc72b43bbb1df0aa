"""Table definitions (SQLAlchemy Core) shared by both engines. Change them only with a migration."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

api_keys = Table(
    "api_keys", metadata,
    Column("id", String(32), primary_key=True),
    Column("hash", String(64), nullable=False, unique=True),  # sha256 of the key; never the key
    Column("prefix", String(16), nullable=False),  # first characters, to recognise a key in lists
    Column("name", String(200), nullable=False, default=""),
    Column("team", String(200), nullable=False),
    Column("roles", String(200), nullable=False, default="member"),  # comma-separated
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float, nullable=True),
    # issue 5: scope and limits (null: no restriction / no limit of its own)
    Column("allowed_models", Text, nullable=True),  # JSON list of model names or aliases
    Column("allowed_kbs", Text, nullable=True),  # JSON list of knowledge base names
    Column("budget", Float, nullable=True),  # currency per budget_period
    Column("budget_period", String(8), nullable=True),  # day | week | month
    Column("on_exhausted", String(8), nullable=True),  # local | reject
    Column("rpm", Integer, nullable=True),  # requests per minute
    Column("tpm", Integer, nullable=True),  # tokens per minute
)

teams = Table(
    "teams", metadata,
    Column("name", String(200), primary_key=True),
    Column("description", String(1000), nullable=False, default=""),
    Column("budget", Float, nullable=True),
    Column("budget_period", String(8), nullable=True),
    Column("on_exhausted", String(8), nullable=True),
    Column("rpm", Integer, nullable=True),
    Column("tpm", Integer, nullable=True),
    Column("created_at", Float, nullable=False),
)

# Append-only, hash-chained: each record's hash covers its fields and the previous hash.
# audit_head holds the last seq and hash, so deleting the newest records is detected too.
audit_log = Table(
    "audit_log", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=False),
    Column("ts", Float, nullable=False),
    Column("kind", String(32), nullable=False),  # egress | admin | knowledge
    Column("actor", String(200), nullable=True),  # key id, or "cli"
    Column("team", String(200), nullable=True),
    Column("data", Text, nullable=False),  # canonical JSON; never payloads
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_ts", "ts"),
)

audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

requests = Table(
    "requests", metadata,
    Column("id", String(40), primary_key=True),
    Column("ts", Float, nullable=False),  # unix seconds when the request arrived
    Column("key_id", String(32), nullable=True),
    Column("team", String(200), nullable=True),
    Column("endpoint", String(32), nullable=False),  # chat | completions | embeddings
    Column("model_requested", String(200), nullable=False),
    Column("provider", String(200), nullable=True),
    Column("model_used", String(200), nullable=True),
    Column("rule", String(200), nullable=True),
    Column("stream", Boolean, nullable=False, default=False),
    Column("status", Integer, nullable=False),
    Column("error_type", String(64), nullable=True),
    Column("prompt_tokens", Integer, nullable=False, default=0),
    Column("completion_tokens", Integer, nullable=False, default=0),
    Column("latency_ms", Float, nullable=True),
    Column("ttft_ms", Float, nullable=True),
    Column("attempts", Integer, nullable=False, default=1),
    Column("sensitivity", String(16), nullable=True),
    Column("entity_types", String(300), nullable=True),
    Column("task", String(32), nullable=True),
    Column("pseudonymized", Boolean, nullable=False, default=False),
    Column("reasons", String(2000), nullable=True),
    # issue 5: what the call cost (currency; economics/)
    Column("tier", String(8), nullable=True),  # local | cloud, of the provider that served it
    Column("cost", Float, nullable=True),  # cloud: list price; local: energy + amortisation
    Column("cost_equivalent", Float, nullable=True),  # at economics.reference_model's price
    Column("energy_wh", Float, nullable=True),  # local calls
    Column("busy_s", Float, nullable=True),  # seconds the local provider worked on it
    Index("ix_requests_ts", "ts"),
    Index("ix_requests_team_ts", "team", "ts"),
    Index("ix_requests_key_ts", "key_id", "ts"),
)

# Knowledge bases (issue 4). Search indexes beside these tables: SQLite has the FTS5 table
# kb_chunks_fts (migration 0003) and one sqlite-vec table per vector width (knowledge/store);
# Postgres has a tsvector column on kb_chunks and one pgvector table per width.
knowledge_bases = Table(
    "knowledge_bases", metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),  # unique within its team
    Column("team", String(200), nullable=False),  # the owning team
    Column("kind", String(16), nullable=False, default="documents"),  # documents | memory
    Column("sensitivity", String(16), nullable=False),
    Column("readers", Text, nullable=False, default="[]"),  # JSON list: team names, "key:ID"
    Column("embed_model", String(200), nullable=False),
    Column("dims", Integer, nullable=False),
    Column("version", Integer, nullable=False, default=0),  # bumped when live chunks change
    Column("created_by", String(32), nullable=True),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("team", "name", name="uq_knowledge_bases_team_name"),
)

kb_documents = Table(
    "kb_documents", metadata,
    Column("id", String(40), primary_key=True),
    Column("kb_id", String(40), ForeignKey("knowledge_bases.id", ondelete="CASCADE"),
           nullable=False),
    Column("source", String(1000), nullable=False),  # file name or relative path
    Column("title", String(1000), nullable=False, default=""),
    Column("format", String(16), nullable=False),
    Column("content_hash", String(64), nullable=False),  # sha256 of the file's bytes
    Column("bytes", BigInteger, nullable=False, default=0),
    Column("chunks", Integer, nullable=False, default=0),
    Column("generation", Integer, nullable=False, default=0),  # the live chunks' generation
    Column("sensitivity", String(16), nullable=True),  # own label, above the base's (memories)
    Column("entity_types", String(300), nullable=True),  # sensitive types found (memories)
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    UniqueConstraint("kb_id", "source", name="uq_kb_documents_source"),
)

kb_chunks = Table(
    "kb_chunks", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("kb_id", String(40), nullable=False),
    Column("document_id", String(40), ForeignKey("kb_documents.id", ondelete="CASCADE"),
           nullable=False),
    Column("generation", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("live", Boolean, nullable=False, default=False),  # in the search indexes
    Column("context", Text, nullable=False, default=""),  # "title › heading › heading"
    Column("text", Text, nullable=False),
    Column("page", Integer, nullable=True),
    Column("offset", Integer, nullable=False, default=0),
    Column("tokens", Integer, nullable=False, default=0),
    Column("embedding", LargeBinary, nullable=False),  # float32, L2-normalised
    UniqueConstraint("document_id", "generation", "seq", name="uq_kb_chunks_seq"),
    Index("ix_kb_chunks_kb", "kb_id"),
)

ingest_jobs = Table(
    "ingest_jobs", metadata,
    Column("id", String(40), primary_key=True),
    Column("kb_id", String(40), ForeignKey("knowledge_bases.id", ondelete="CASCADE"),
           nullable=False),
    Column("key_id", String(32), nullable=True),
    Column("status", String(16), nullable=False),  # queued|running|done|failed|cancelled
    Column("error", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_ingest_jobs_status", "status"),
)

ingest_files = Table(
    "ingest_files", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("job_id", String(40), ForeignKey("ingest_jobs.id", ondelete="CASCADE"),
           nullable=False),
    Column("source", String(1000), nullable=False),
    Column("path", String(2000), nullable=False),  # the staged upload, removed when finished
    Column("bytes", BigInteger, nullable=False, default=0),
    # queued|running|done|unchanged|failed|cancelled
    Column("status", String(16), nullable=False),
    Column("error", Text, nullable=True),
    Column("document_id", String(40), nullable=True),
    Column("generation", Integer, nullable=True),  # the generation being built
    Column("chunks", Integer, nullable=False, default=0),
    Column("chunks_done", Integer, nullable=False, default=0),
    Column("heartbeat", Float, nullable=True),  # a worker holding the file refreshes it
    Column("updated_at", Float, nullable=False),
    Index("ix_ingest_files_job", "job_id"),
    Index("ix_ingest_files_status", "status"),
)

# Memory (issue 4): stored conversations. Long-term facts live in per-user knowledge bases.
conversations = Table(
    "conversations", metadata,
    Column("id", String(40), primary_key=True),
    Column("key_id", String(32), nullable=True),
    Column("team", String(200), nullable=False),
    Column("user_id", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_conversations_user", "user_id"),
    Index("ix_conversations_updated", "updated_at"),
)

conversation_messages = Table(
    "conversation_messages", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("conversation_id", String(40), ForeignKey("conversations.id", ondelete="CASCADE"),
           nullable=False),
    Column("role", String(32), nullable=False),
    Column("content", Text, nullable=False),
    Column("sensitivity", String(16), nullable=True),
    Column("ts", Float, nullable=False),
    Column("meta", Text, nullable=True),  # JSON: where an answer ran, its citations (issue 6)
    Index("ix_conversation_messages_conv", "conversation_id"),
)

# Daily rollups of the ledger (economics/rollup.py): derived data, rebuilt when a day changes.
ROLLUP_COUNTS = ("requests", "errors", "prompt_tokens", "completion_tokens", "local_requests",
                 "ok_requests", "ok_local_requests", "confidential", "restricted")
ROLLUP_AMOUNTS = ("cost", "cost_equivalent", "savings", "energy_wh", "ok_cloud_cost",
                  "ok_local_cost", "ok_local_eq", "ok_local_energy")

ledger_daily = Table(
    "ledger_daily", metadata,
    Column("day", Integer, nullable=False),  # floor(ts / 86400), UTC
    Column("dim", String(16), nullable=False),  # team | model | rule | task | tier | ...
    Column("group_key", String(200), nullable=True),
    Column("sub", String(200), nullable=True),  # rule_task: the task
    Column("lat", Integer, nullable=False),  # latency bucket; -1: none
    *(Column(name, BigInteger, nullable=False) for name in ROLLUP_COUNTS),
    *(Column(name, Float, nullable=True) for name in ROLLUP_AMOUNTS),
    Index("ix_ledger_daily_dim_day", "dim", "day"),
)

ledger_daily_days = Table(
    "ledger_daily_days", metadata,
    Column("day", Integer, primary_key=True, autoincrement=False),
    Column("requests", BigInteger, nullable=False),  # ledger rows of the day when built
    Column("built_at", Float, nullable=False),
)

# Issue 6: people who log in to the web UI with a username and password. Each user acts
# through a key of their own (team, roles, scopes and limits live on the key), whose secret
# nobody sees; revoking the key ends the login.
users = Table(
    "users", metadata,
    Column("name", String(200), primary_key=True),
    Column("key_id", String(32), ForeignKey("api_keys.id"), nullable=False),
    Column("password_hash", String(300), nullable=False),  # scrypt, salted (governance/users.py)
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

# Settings changed at run time (routing rules edited from the UI or the admin API): the stored
# value replaces the configured one on every replica; version counts the changes.
runtime_settings = Table(
    "runtime_settings", metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
    Column("version", Integer, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("updated_by", String(200), nullable=True),
)

# Web UI sessions ended before their cookie expires (logged out): a copied cookie stops
# working on every replica. Rows are dropped once the cookie would have expired anyway.
web_sessions_ended = Table(
    "web_sessions_ended", metadata,
    Column("nonce", String(64), primary_key=True),  # the session's random nonce
    Column("until", Float, nullable=False),  # when the cookie expires
    Index("ix_web_sessions_ended_until", "until"),
)
