"""A database per service on one PostgreSQL server, created on first start."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool


async def service_database_url(server_url: str, prefix: str, service: str) -> str:
    """The URL of database ``<prefix>_<service>`` on that server (created if missing)."""
    server = make_url(server_url).set(drivername="postgresql+asyncpg")
    name = f"{prefix}_{service}".replace("-", "_")
    engine = create_async_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                try:
                    await conn.execute(text(f'CREATE DATABASE "{name}"'))
                except Exception as error:
                    # Another process of the service may create it at the same moment.
                    raced = "already exists" in str(error) or "pg_database_datname" in str(error)
                    if not raced:
                        raise RuntimeError(
                            f"cannot create database {name}: give the role CREATEDB "
                            f"or create it by hand ({error})"
                        ) from error
    finally:
        await engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)
