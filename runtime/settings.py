"""Runtime settings from the environment (PORT, DATA_DIR, B2B_*), refusing unsafe defaults."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
