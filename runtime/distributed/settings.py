"""What one service process of the distributed mode needs to know, from flags or the environment."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class NodeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="B2B_", extra="ignore")

    service: str
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    database_url: str = Field(
        validation_alias=AliasChoices("DATABASE_URL", "B2B_DATABASE_URL"),
        description="a PostgreSQL server; each service gets its own database on it",
    )
    database_prefix: str = Field(default="b2b", pattern=r"^[a-z_][a-z0-9_]{0,40}$")
    event_store_url: str | None = Field(
        default=None,
        description="where this service's events live when not in its PostgreSQL database, "
        "e.g. kurrentdb+discover://host:2113?namespace=order (read models stay in PostgreSQL)",
    )
    kafka_bootstrap_servers: str = Field(
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "B2B_KAFKA_BOOTSTRAP_SERVERS")
    )
    kafka_namespace: str = Field(
        default="", pattern=r"^[a-zA-Z0-9._-]{0,60}$", description="prefix of topics and groups"
    )
    kafka_replication_factor: int = Field(default=1, ge=1, description="for topics it creates")
    kafka_partitions: int = Field(
        default=12,
        ge=1,
        le=1000,
        description="partitions of the topics it creates: the most workers a group can use",
    )
    kafka_session_timeout_ms: int = Field(
        default=6000,
        ge=1000,
        le=300_000,
        description="a member silent this long loses its partitions (the pause after a crash)",
    )
    kafka_heartbeat_interval_ms: int = Field(default=1500, ge=100, le=100_000)
    kafka_max_poll_interval_ms: int = Field(
        default=120_000, ge=10_000, description="longest a batch may take before a rebalance"
    )
    poll_interval: float = Field(default=0.05, gt=0, description="store polling (s) when idle")
    log_level: str = "warning"
