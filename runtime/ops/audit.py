"""``b2b audit``: the security audit trail read from its store, filtered, shown or exported."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from runtime.ops.deployment import DeploymentNotFound
from shared.eventstore.factory import open_event_store
from shared.eventstore.port import EventStore
from shared.service.auth.audit import AuditQuery, AuditTrail, as_csv, as_json_lines


class AuditFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


def audit_url(data_dir: Path | None, store_url: str | None) -> str:
    """The store to read: ``store_url``, else ``<data_dir>/audit.db`` (which must exist)."""
    if store_url:
        return store_url
    assert data_dir is not None
    path = data_dir / "audit.db"
    if not path.exists():
        raise DeploymentNotFound(
            f"no audit.db in {data_dir}: point --data-dir at the directory `b2b run` uses, or "
            "--store-url (B2B_AUDIT_STORE) at the store a distributed deployment writes"
        )
    return str(path)


async def search_audit(url: str, query: AuditQuery) -> list[dict[str, Any]]:
    async def opener() -> EventStore:
        return await open_event_store(url)

    trail = AuditTrail(opener)
    try:
        return await trail.search(query)
    finally:
        await trail.close()


def write_export(entries: list[dict[str, Any]], path: Path, fmt: AuditFormat) -> None:
    """Oldest first; ``data`` as JSON text in CSV and Parquet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt is AuditFormat.csv:
        path.write_text(as_csv(entries), encoding="utf-8")
    elif fmt is AuditFormat.jsonl:
        path.write_text(as_json_lines(entries), encoding="utf-8")
    else:
        ordered = sorted(entries, key=lambda e: e["position"])
        table = pa.table(
            {
                "position": pa.array([e["position"] for e in ordered], pa.int64()),
                "at": pa.array([e["at"] for e in ordered], pa.string()).cast(
                    pa.timestamp("us", tz="UTC")
                ),
                "event_type": [e["event_type"] for e in ordered],
                "actor": [e["actor"] for e in ordered],
                "subject": [e["subject"] for e in ordered],
                "data": [json.dumps(e["data"]) for e in ordered],
            }
        )
        pq.write_table(table, path)
