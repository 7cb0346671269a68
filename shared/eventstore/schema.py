"""The event store's tables, shared by the SQL adapters so other code can see (and join) the schema.

PostgreSQL places them in the store's schema through the connection's search_path.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

metadata = MetaData()

# On SQLite an INTEGER PRIMARY KEY is the rowid itself: no second index for the position.
_Position = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("position", _Position, primary_key=True, autoincrement=False),
    Column("event_id", Uuid(), nullable=False, unique=True),
    Column("stream_id", Text, nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("metadata", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("stream_id", "stream_version", name="events_stream_version_key"),
)
"""The global log: one row per event; ``data`` and ``metadata`` are JSON text."""

streams = Table(
    "streams",
    metadata,
    Column("stream_id", Text, primary_key=True),
    Column("version", Integer, nullable=False),
)
"""Each stream's last version: the row an append locks and compares with its expected version."""
