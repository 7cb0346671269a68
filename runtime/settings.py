"""Runtime settings from the environment (PORT, DATA_DIR, B2B_*), refusing unsafe defaults."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from runtime.notifications.sender import MailSettings
from shared.service.auth.destinations import DestinationPolicy, parse_networks
from shared.service.auth.identity import Lockout

DEFAULT_SECRET = "development-only-secret-change-me-0123456789"
"""Signs bearer tokens in development; any other environment must set B2B_SECRET_KEY."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="B2B_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(
        default=8000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "B2B_PORT")
    )
    data_dir: Path = Field(
        default=Path("var"), validation_alias=AliasChoices("DATA_DIR", "B2B_DATA_DIR")
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("B2B_EMBEDDED_DATABASE_URL"),
        description="run the embedded services on PostgreSQL (a schema each) instead of SQLite",
    )
    environment: str = Field(default="development", pattern="^(development|test|production)$")
    log_level: str = "info"
    demo: bool = Field(default=True, description="seed the demo world on first start (embedded)")
    secret_key: str = Field(default=DEFAULT_SECRET, min_length=32)
    token_ttl_minutes: int = Field(default=60, ge=1, le=24 * 60)
    login_rate: str = "30/minute"
    order_rate: str = "120/minute"
    login_lockout_after: int = Field(
        default=5, ge=2, le=100, description="wrong passwords in a row that lock an account"
    )
    login_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    audit_store: str | None = Field(
        default=None,
        description="event store URL of the security audit trail (default DATA_DIR/audit.db)",
    )
    webhook_allow_networks: str = Field(
        default="",
        max_length=2000,
        description="internal networks webhooks may reach, e.g. 10.20.0.0/16,192.168.5.7 "
        "(by default only public addresses)",
    )
    webhook_allow_http: bool | None = Field(
        default=None, description="plain http webhooks (default: only in development)"
    )

    smtp_host: str | None = Field(
        default=None,
        max_length=255,
        description="send mail through this SMTP server; without one, mail is written as .eml "
        "files to DATA_DIR/mail",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = Field(default=None, max_length=255)
    smtp_password: str | None = Field(default=None, max_length=1000)
    smtp_starttls: bool = False
    mail_from: str = Field(
        default="B2B Ordering <orders@b2b-ordering.example>", min_length=3, max_length=255
    )
    public_url: str | None = Field(
        default=None,
        max_length=500,
        description="the portal's address in mail links (default http://HOST:PORT)",
    )

    @field_validator("webhook_allow_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment != "development" and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                f"B2B_SECRET_KEY must be set outside development (environment is "
                f"{self.environment!r}); generate one with: python -c "
                f"'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return self

    @property
    def development(self) -> bool:
        return self.environment == "development"

    def mail_settings(self) -> MailSettings:
        base = self.public_url or f"http://{self.host}:{self.port}"
        return MailSettings(sender=self.mail_from, base_url=base)

    def lockout(self) -> Lockout:
        minutes = timedelta(minutes=self.login_lockout_minutes)
        return Lockout(after=self.login_lockout_after, window=minutes, duration=minutes)

    def destination_policy(self) -> DestinationPolicy:
        allow_http = (
            self.development if self.webhook_allow_http is None else self.webhook_allow_http
        )
        return DestinationPolicy(allow_http, parse_networks(self.webhook_allow_networks))
