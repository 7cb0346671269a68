"""Kafka sign-in settings: the environment a Kubernetes worker gets (KAFKA_SECURITY_PROTOCOL,
KAFKA_SASL_*) is checked whole at start, naming the variable to set and never quoting the
password, and becomes the same security for aiokafka's clients and for Faust's."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import faust
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
from pydantic import SecretStr, ValidationError

from runtime.distributed.settings import NodeSettings
from shared.messaging.kafka.faust_member import FaustMember
from shared.messaging.kafka.lanes import Lanes
from shared.messaging.kafka.security import (
    PLAINTEXT,
    KafkaSecurity,
    client_kwargs,
    faust_credentials,
)

PASSWORD = "pw-that-must-never-show-7f3a"
SCRAM = KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512", "order", SecretStr(PASSWORD))


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SECURITY_PROTOCOL",
        "SASL_MECHANISM",
        "SASL_USERNAME",
        "SASL_PASSWORD",
        "SSL_CA_FILE",
    ):
        monkeypatch.delenv(f"KAFKA_{name}", raising=False)
        monkeypatch.delenv(f"B2B_KAFKA_{name}", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://b2b@127.0.0.1:9/postgres")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9")


def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> NodeSettings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return NodeSettings(service="order")


def _rejected(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    with pytest.raises(ValidationError) as raised:
        _settings(monkeypatch, **env)
    message = str(raised.value)
    assert PASSWORD not in message
    assert PASSWORD[-4:] not in message  # not even the tail of a truncated input
    return message


def test_without_kafka_settings_the_clients_use_plaintext(monkeypatch: pytest.MonkeyPatch) -> None:
    security = _settings(monkeypatch).kafka_security()
    assert security == PLAINTEXT
    assert client_kwargs(security) == {"security_protocol": "PLAINTEXT"}
    assert faust_credentials(security) is None


def test_a_kubernetes_worker_environment_becomes_scram_sign_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _settings(
        monkeypatch,
        KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
        KAFKA_SASL_MECHANISM="SCRAM-SHA-512",
        KAFKA_SASL_USERNAME="order",
        KAFKA_SASL_PASSWORD=PASSWORD,
    )
    assert settings.kafka_security() == SCRAM
    assert client_kwargs(settings.kafka_security()) == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "order",
        "sasl_plain_password": PASSWORD,
    }
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in repr(settings.kafka_security())


def test_the_b2b_prefixed_names_work_too(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(
        monkeypatch,
        B2B_KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
        B2B_KAFKA_SASL_USERNAME="order",
        B2B_KAFKA_SASL_PASSWORD=PASSWORD,
    )
    assert settings.kafka_security() == SCRAM


@pytest.mark.parametrize("protocol", ["SASL_PLAINTEXT", "SASL_SSL"])
def test_sasl_without_a_password_is_rejected_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, protocol: str
) -> None:
    message = _rejected(monkeypatch, KAFKA_SECURITY_PROTOCOL=protocol, KAFKA_SASL_USERNAME="order")
    assert f"KAFKA_SECURITY_PROTOCOL={protocol}" in message
    assert "set KAFKA_SASL_PASSWORD" in message
    assert "KAFKA_SASL_USERNAME" not in message  # that one is set


def test_sasl_without_any_credentials_names_both_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = _rejected(monkeypatch, KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT")
    assert "set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD" in message


def test_an_empty_password_is_a_missing_one(monkeypatch: pytest.MonkeyPatch) -> None:
    message = _rejected(
        monkeypatch,
        KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
        KAFKA_SASL_USERNAME="order",
        KAFKA_SASL_PASSWORD="",
    )
    assert "set KAFKA_SASL_PASSWORD" in message


def test_a_password_that_plaintext_would_never_send_is_rejected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = _rejected(monkeypatch, KAFKA_SASL_USERNAME="order", KAFKA_SASL_PASSWORD=PASSWORD)
    assert "KAFKA_SASL_PASSWORD is set but KAFKA_SECURITY_PROTOCOL=PLAINTEXT" in message


def test_a_user_name_alone_is_fine_for_plaintext(monkeypatch: pytest.MonkeyPatch) -> None:
    # The manifests give every process the user name (KEDA reads it); the API never signs in.
    assert _settings(monkeypatch, KAFKA_SASL_USERNAME="order").kafka_security().username == "order"


def test_unknown_protocols_and_mechanisms_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "KAFKA_SECURITY_PROTOCOL" in _rejected(monkeypatch, KAFKA_SECURITY_PROTOCOL="SASL")
    assert "KAFKA_SASL_MECHANISM" in _rejected(
        monkeypatch,
        KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
        KAFKA_SASL_MECHANISM="GSSAPI",
        KAFKA_SASL_USERNAME="order",
        KAFKA_SASL_PASSWORD=PASSWORD,
    )


def test_a_ca_file_needs_tls_and_must_exist(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    message = _rejected(monkeypatch, KAFKA_SSL_CA_FILE=certifi.where())
    assert "KAFKA_SSL_CA_FILE is set but KAFKA_SECURITY_PROTOCOL=PLAINTEXT uses no TLS" in message
    missing = _rejected(
        monkeypatch, KAFKA_SECURITY_PROTOCOL="SSL", KAFKA_SSL_CA_FILE=str(tmp_path / "nope.pem")
    )
    assert "KAFKA_SSL_CA_FILE" in missing


def test_sasl_ssl_verifies_the_broker_with_the_ca_file(monkeypatch: pytest.MonkeyPatch) -> None:
    security = _settings(
        monkeypatch,
        KAFKA_SECURITY_PROTOCOL="SASL_SSL",
        KAFKA_SASL_MECHANISM="SCRAM-SHA-256",
        KAFKA_SASL_USERNAME="order",
        KAFKA_SASL_PASSWORD=PASSWORD,
        KAFKA_SSL_CA_FILE=certifi.where(),
    ).kafka_security()
    kwargs = client_kwargs(security)
    context = kwargs.pop("ssl_context")
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.get_ca_certs()  # the bundle was loaded
    assert kwargs == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_plain_username": "order",
        "sasl_plain_password": PASSWORD,
    }


def test_the_mapping_guards_callers_that_skip_the_settings() -> None:
    with pytest.raises(ValueError, match="needs a SASL password"):
        client_kwargs(KafkaSecurity("SASL_SSL", username="order"))
    with pytest.raises(ValueError, match="needs a SASL username and password"):
        faust_credentials(KafkaSecurity("SASL_PLAINTEXT"))


@pytest.mark.parametrize(
    "security",
    [
        PLAINTEXT,
        SCRAM,
        KafkaSecurity("SASL_PLAINTEXT", "PLAIN", "order", SecretStr(PASSWORD)),
        KafkaSecurity("SASL_SSL", "SCRAM-SHA-512", "order", SecretStr(PASSWORD)),
        KafkaSecurity("SSL", ca_file=Path(certifi.where())),
    ],
    ids=lambda s: f"{s.protocol}-{s.mechanism}",
)
async def test_faust_signs_in_as_the_aiokafka_clients_do(security: KafkaSecurity) -> None:
    """Faust maps its credentials to aiokafka's arguments itself: ours must come out equal."""
    ours = client_kwargs(security)
    theirs = credentials_to_aiokafka_auth(faust_credentials(security))
    assert {k: v for k, v in theirs.items() if k != "ssl_context"} == {
        k: v for k, v in ours.items() if k != "ssl_context"
    }
    assert isinstance(theirs.get("ssl_context"), ssl.SSLContext) == security.tls
    # aiokafka checks these arguments when a client is built (no connection yet).
    AIOKafkaProducer(bootstrap_servers="127.0.0.1:9", **ours)
    AIOKafkaConsumer(bootstrap_servers="127.0.0.1:9", **ours)
    AIOKafkaAdminClient(bootstrap_servers="127.0.0.1:9", **ours)


async def test_a_faust_member_gets_the_credentials() -> None:
    member = FaustMember(
        "order<pricing",
        "127.0.0.1:9",
        "pricing.events.v1",
        Lanes("pricing", lambda lane: None, lambda *a: None),  # type: ignore[arg-type,return-value]
        session_timeout_s=6,
        heartbeat_interval_s=1.5,
        max_poll_interval_s=120,
        security=SCRAM,
    )
    credentials = member.app.conf.broker_credentials
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.username, credentials.password) == ("order", PASSWORD)
    assert credentials.mechanism.value == "SCRAM-SHA-512"
    assert credentials.protocol.value == "SASL_PLAINTEXT"
    assert PASSWORD not in repr(credentials)
    member.datadir.rmdir()
