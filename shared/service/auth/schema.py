"""Create the security tables, and add the nullable columns a newer version declares to tables
an older version created (an existing identity.db keeps its users and keys)."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.sql import Database, Transaction


async def create_or_extend(engine: Database, metadata: MetaData) -> None:
    await engine.create_all(metadata)
    missing = []
    for table in metadata.sorted_tables:
        present = await engine.columns(table.name)
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                raise RuntimeError(f"{table.name}.{column.name} is new and must be nullable")
            missing.append((table, column))
    if not missing:
        return
    preparer = engine.dialect.identifier_preparer

    async def add(tx: Transaction) -> None:
        for table, column in missing:
            kind = column.type.compile(engine.dialect)
            await tx.run(
                f"ALTER TABLE {preparer.format_table(table)} "
                f"ADD COLUMN {preparer.format_column(column)} {kind}"
            )

    await engine.write(add)
