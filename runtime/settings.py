"""Runtime settings from the environment (PORT, DATA_DIR, B2B_*), refusing unsafe defaults."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="B2B_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(
        default=8000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "B2B_PORT")
    )
    data_dir: Path = Field(
        default=Path("var"), validation_alias=AliasChoices("DATA_DIR", "B2B_DATA_DIR")
    )
    environment: str = "development"
    log_level: str = "info"
    demo: bool = Field(default=True, description="seed the demo world on first start (embedded)")
