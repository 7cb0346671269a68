"""What one service process of the distributed mode needs to know, from flags or the environment."""

from __future__ import annotations

from pydantic import AliasChoices, Field, FilePath, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.messaging.kafka.security import KafkaSecurity, Mechanism, Protocol


def _kafka(name: str) -> AliasChoices:
    """KAFKA_<NAME>, as the Kafka settings are named in the manifests, or B2B_KAFKA_<NAME>."""
    return AliasChoices(f"KAFKA_{name}", f"B2B_KAFKA_{name}")


class NodeSettings(BaseSettings):
    # hide_input_in_errors: an error would otherwise quote the raw environment, passwords and all.
    model_config = SettingsConfigDict(env_prefix="B2B_", extra="ignore", hide_input_in_errors=True)

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
    kafka_bootstrap_servers: str = Field(validation_alias=_kafka("BOOTSTRAP_SERVERS"))
    kafka_security_protocol: Protocol = Field(
        default="PLAINTEXT", validation_alias=_kafka("SECURITY_PROTOCOL")
    )
    kafka_sasl_mechanism: Mechanism = Field(
        default="SCRAM-SHA-512", validation_alias=_kafka("SASL_MECHANISM")
    )
    kafka_sasl_username: str | None = Field(default=None, validation_alias=_kafka("SASL_USERNAME"))
    kafka_sasl_password: SecretStr | None = Field(
        default=None, validation_alias=_kafka("SASL_PASSWORD")
    )
    kafka_ssl_ca_file: FilePath | None = Field(
        default=None,
        validation_alias=_kafka("SSL_CA_FILE"),
        description="CA bundle of the broker's certificate (SSL, SASL_SSL); unset: the system's",
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
    kafka_batch_within_ms: int = Field(
        default=50,
        ge=0,
        le=10_000,
        description="how long a consumer's next batch gathers events (0: handed over at once)",
    )
    poll_interval: float = Field(default=0.05, gt=0, description="store polling (s) when idle")
    log_level: str = "warning"

    @model_validator(mode="after")
    def _kafka_security_is_whole(self) -> NodeSettings:
        security = self.kafka_security()
        protocol = f"KAFKA_SECURITY_PROTOCOL={security.protocol}"
        if security.sasl:
            password = security.password.get_secret_value() if security.password else ""
            missing = [
                name
                for name, value in (
                    ("KAFKA_SASL_USERNAME", security.username),
                    ("KAFKA_SASL_PASSWORD", password),
                )
                if not value
            ]
            if missing:
                raise ValueError(
                    f"{protocol} signs in to Kafka with {security.mechanism}: set "
                    f"{' and '.join(missing)} (in Kubernetes: the service's KafkaUser and the key "
                    "'password' of the Secret Strimzi names after it, docs/distributed.md)"
                )
        elif security.password is not None:
            raise ValueError(
                f"KAFKA_SASL_PASSWORD is set but {protocol} never sends it: "
                "set KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT or SASL_SSL"
            )
        if security.ca_file is not None and not security.tls:
            raise ValueError(
                f"KAFKA_SSL_CA_FILE is set but {protocol} uses no TLS: "
                "set KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL, or unset KAFKA_SSL_CA_FILE"
            )
        return self

    def kafka_security(self) -> KafkaSecurity:
        """How this process's Kafka clients sign in (shared.messaging.kafka.security)."""
        return KafkaSecurity(
            protocol=self.kafka_security_protocol,
            mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_sasl_username,
            password=self.kafka_sasl_password,
            ca_file=self.kafka_ssl_ca_file,
        )
