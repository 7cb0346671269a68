"""Observability settings from the environment (B2B_LOG_FORMAT, B2B_OTEL_EXPORTER)."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class ObservabilitySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="B2B_", extra="ignore")

    log_format: Literal["json", "console"] = "json"
    log_level: str = "info"
    otel_exporter: Literal["none", "console"] = "none"
    """Where spans go: nowhere (default; trace ids still reach the logs) or stdout."""
