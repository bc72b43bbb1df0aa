"""Table definitions (SQLAlchemy Core) shared by both engines. Change them only with a migration."""

from sqlalchemy import Boolean, Column, Float, Index, Integer, MetaData, String, Table

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
    Index("ix_requests_ts", "ts"),
    Index("ix_requests_team_ts", "team", "ts"),
    Index("ix_requests_key_ts", "key_id", "ts"),
)
