"""A small demo world on an embedded system (SQLite files, or a PostgreSQL database of its own)
for the sourcing and checkout tests, and the requests they share."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from runtime.demo import seed
from runtime.demo_data import CURRENCY, DemoWorld, Product, Supplier, build_world
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from tests.actor_client import HeaderActors, actor_client
from tests.databases import fresh_postgres_url
from tests.helpers import eventually

OPS = {"X-Actor": "operations:test"}


@dataclass(frozen=True)
class World:
    client: httpx.AsyncClient
    demo: DemoWorld
    system: EmbeddedSystem

    @property
    def harbor(self) -> Supplier:
        return self.demo.suppliers[0]

    @property
    def jade(self) -> Supplier:
        return self.demo.suppliers[1]

    def buyer(self, index: int = 0) -> str:
        return str(self.demo.buyers[index].buyer_id)


@contextlib.asynccontextmanager
async def seeded_world(kind: str, folder: Path) -> AsyncIterator[World]:
    async with contextlib.AsyncExitStack() as stack:
        url = await stack.enter_async_context(fresh_postgres_url()) if kind == "postgres" else None
        system = EmbeddedSystem(folder, ALL_SERVICES, database_url=url)
        await system.start()
        stack.push_async_callback(system.stop)
        client = await stack.enter_async_context(actor_client(system))
        demo = build_world(scale=0.1)
        await seed(client, HeaderActors(), demo)
        yield World(client, demo, system)


def as_buyer(buyer_id: str, key: str | None = None) -> dict[str, str]:
    return {"X-Actor": f"buyer:{buyer_id}", **({"Idempotency-Key": key} if key else {})}


def as_supplier(supplier: Supplier, key: str | None = None) -> dict[str, str]:
    headers = {"X-Actor": f"supplier:{supplier.supplier_id}"}
    return {**headers, **({"Idempotency-Key": key} if key else {})}


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": CURRENCY}


def orderable(product: Product, packs: int = 1) -> int:
    """A quantity the catalog takes: whole packs, at least the minimum."""
    least = -(-product.min_order_qty // product.pack_size) * product.pack_size
    return least + (packs - 1) * product.pack_size


def later(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


async def answered(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def get(client: httpx.AsyncClient, path: str, headers: dict[str, str] = OPS) -> Any:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def order_detail(
    client: httpx.AsyncClient, order_id: str, until: Any = bool, what: str = "the order"
) -> dict[str, Any]:
    async def probe() -> dict[str, Any]:
        response = await client.get(f"/api/v1/orders/{order_id}", headers=OPS)
        return response.json() if response.status_code == 200 else {}

    found: dict[str, Any] = await eventually(probe, until, timeout=30, what=what)
    return found
