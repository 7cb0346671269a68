"""How every Kafka client here signs in and encrypts: one :class:`KafkaSecurity`, turned into the
keyword arguments of aiokafka's clients (:func:`client_kwargs`) and into Faust's broker
credentials (:func:`faust_credentials`), so that the producers, the admin calls and the Faust
members cannot disagree. Building them connects to nothing; the composition root passes the
settings in (runtime/distributed: ``NodeSettings.kafka_security``)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import faust
from aiokafka.helpers import create_ssl_context
from faust.types.auth import CredentialsT
from pydantic import SecretStr

Protocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"]
Mechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"]

SASL_PROTOCOLS: frozenset[str] = frozenset({"SASL_PLAINTEXT", "SASL_SSL"})
TLS_PROTOCOLS: frozenset[str] = frozenset({"SSL", "SASL_SSL"})


@dataclass(frozen=True)
class KafkaSecurity:
    """The default is the local broker's: plaintext, no sign-in."""

    protocol: Protocol = "PLAINTEXT"
    mechanism: Mechanism = "SCRAM-SHA-512"
    username: str | None = None
    password: SecretStr | None = None
    ca_file: Path | None = None
    """CA bundle for the broker's certificate (SSL, SASL_SSL); unset: the system's CAs."""

    @property
    def sasl(self) -> bool:
        return self.protocol in SASL_PROTOCOLS

    @property
    def tls(self) -> bool:
        return self.protocol in TLS_PROTOCOLS

    def ssl_context(self) -> ssl.SSLContext | None:
        """A new context verifying the broker (hostname included), or None without TLS."""
        if not self.tls:
            return None
        context: ssl.SSLContext = create_ssl_context(cafile=self.ca_file)
        return context

    def _sign_in(self) -> tuple[str, str]:
        # NodeSettings rejects this earlier, naming the environment variables; this guards the
        # other callers from aiokafka's late, obscure failure inside the SCRAM exchange.
        username = self.username or ""
        password = self.password.get_secret_value() if self.password else ""
        missing = [
            name for name, value in (("username", username), ("password", password)) if not value
        ]
        if missing:
            raise ValueError(f"Kafka {self.protocol} needs a SASL {' and '.join(missing)}")
        return username, password


PLAINTEXT = KafkaSecurity()


def client_kwargs(security: KafkaSecurity) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient."""
    kwargs: dict[str, Any] = {"security_protocol": security.protocol}
    if security.tls:
        kwargs["ssl_context"] = security.ssl_context()
    if security.sasl:
        username, password = security._sign_in()
        kwargs |= {
            "sasl_mechanism": security.mechanism,
            "sasl_plain_username": username,
            "sasl_plain_password": password,
        }
    return kwargs


def faust_credentials(security: KafkaSecurity) -> CredentialsT | None:
    """``faust.App(broker_credentials=...)``: Faust derives its consumers' and producers'
    security_protocol from the credentials' type (faust.transport.drivers.aiokafka:
    credentials_to_aiokafka_auth), SASL_SSL when SASL credentials carry an SSL context."""
    if security.sasl:
        username, password = security._sign_in()
        return faust.SASLCredentials(
            username=username,
            password=password,
            mechanism=security.mechanism,
            ssl_context=security.ssl_context(),
        )
    if security.tls:
        return faust.SSLCredentials(security.ssl_context())
    return None
