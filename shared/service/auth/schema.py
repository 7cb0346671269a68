"""Creating the credential tables, and adding the columns a newer release introduced to tables an
older one created (each such column is nullable, so existing rows stay valid)."""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine


async def create_or_extend(engine: AsyncEngine, metadata: MetaData) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_create_or_extend, metadata)


def _create_or_extend(conn: Connection, metadata: MetaData) -> None:
    metadata.create_all(conn)
    inspector = inspect(conn)
    preparer = conn.dialect.identifier_preparer
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                raise RuntimeError(f"{table.name}.{column.name} is new and must be nullable")
            kind = column.type.compile(conn.dialect)
            conn.execute(
                text(
                    f"ALTER TABLE {preparer.format_table(table)} "
                    f"ADD COLUMN {preparer.format_column(column)} {kind}"
                )
            )
