"""Seed the demo world through the public HTTP API, once and idempotently."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from runtime.credentials import Credentials
from runtime.demo_accounts import APPROVERS, approval_buyer
from runtime.demo_data import CURRENCY, TIERS, DemoWorld, Supplier, build_world

Progress = Callable[[str, int, int], None]
OPERATIONS = "operations:demo-seed"


@dataclass(frozen=True)
class Api:
    """The HTTP client and the credentials the seed acts with (operations and each supplier)."""

    client: httpx.AsyncClient
    credentials: Credentials


class SeedError(RuntimeError):
    """The API refused a demo request; the message says which and why."""


def _money(amount: object) -> dict[str, str]:
    return {"amount": str(amount), "currency": CURRENCY}


async def _send(
    api: Api, method: str, path: str, body: dict[str, Any], key: str, actor: str
) -> None:
    headers = {**await api.credentials.headers(actor), "Idempotency-Key": f"demo-{key}"[:200]}
    response = await api.client.request(method, path, json=body, headers=headers)
    if response.status_code >= 400:
        raise SeedError(f"{method} {path} answered {response.status_code}: {response.text[:500]}")


async def _all(
    label: str, jobs: list[Callable[[], Awaitable[None]]], progress: Progress, width: int = 16
) -> None:
    done = 0
    gate = asyncio.Semaphore(width)

    async def run(job: Callable[[], Awaitable[None]]) -> None:
        nonlocal done
        async with gate:
            await job()
        done += 1
        progress(label, done, len(jobs))

    await asyncio.gather(*(run(job) for job in jobs))


def _job(
    client: Api,
    method: str,
    path: str,
    body: dict[str, Any],
    key: str,
    actor: str = "operations:demo-seed",
) -> Callable[[], Awaitable[None]]:
    return lambda: _send(client, method, path, body, key, actor)


async def suppliers_present(api: Api, world: DemoWorld) -> bool:
    headers = await api.credentials.headers(OPERATIONS)
    response = await api.client.get("/api/v1/suppliers", headers=headers)
    if response.status_code != 200:
        return False
    text = response.text
    return all(str(s.supplier_id) in text for s in world.suppliers)


def _party_jobs(client: Api, world: DemoWorld) -> list[Callable[[], Awaitable[None]]]:
    jobs = [
        _job(
            client,
            "POST",
            "/api/v1/suppliers",
            {
                "supplier_id": str(s.supplier_id),
                "name": s.name,
                "currency": CURRENCY,
                "contact_email": s.contact_email,
                "language": s.language,
            },
            f"supplier-{s.supplier_id}",
        )
        for s in world.suppliers
    ]
    jobs += [
        _job(
            client,
            "POST",
            "/api/v1/buyers",
            {
                "buyer_id": str(b.buyer_id),
                "name": b.name,
                "tier": b.tier,
                "delivery_region": b.region,
                "contact_email": b.contact_email,
                "language": b.language,
            },
            f"buyer-{b.buyer_id}",
        )
        for b in world.buyers
    ]
    jobs += [
        _job(
            client,
            "POST",
            "/api/v1/carriers",
            {
                "carrier_id": str(c.carrier_id),
                "code": c.code,
                "name": c.name,
                "regions_served": list(c.regions),
            },
            f"carrier-{c.carrier_id}",
        )
        for c in world.carriers
    ]
    return jobs


APPROVAL_RULES = {
    "one_approval_above": _money("1000.00"),
    "two_approvals_above": _money("5000.00"),
    "categories": ["power_tools"],
}
"""The demo company's spending rules: one approver over 1,000, two over 5,000, and one for any
power tool (``b2b simulate``'s approval paths order power tools)."""


def _approval_jobs(client: Api, world: DemoWorld) -> list[Callable[[], Awaitable[None]]]:
    buyer = approval_buyer(world)
    body = {"approvers": list(APPROVERS), **APPROVAL_RULES}
    path = f"/api/v1/buyers/{buyer.buyer_id}/spending-rules"
    return [_job(client, "PUT", path, body, f"spending-rules-{buyer.buyer_id}")]


def _supplier_jobs(client: Api, supplier: Supplier) -> list[Callable[[], Awaitable[None]]]:
    actor = f"supplier:{supplier.supplier_id}"
    jobs = [
        _job(
            client,
            "POST",
            "/api/v1/warehouses",
            {
                "warehouse_id": str(w.warehouse_id),
                "supplier_id": str(supplier.supplier_id),
                "name": w.name,
                "regions_served": list(w.regions),
                "speed_rank": w.speed_rank,
                "lead_time_days": w.lead_time_days,
            },
            f"warehouse-{w.warehouse_id}",
        )
        for w in supplier.warehouses
    ]
    jobs += [
        _job(
            client,
            "POST",
            "/api/v1/products",
            {
                "supplier_id": str(supplier.supplier_id),
                "sku": p.sku,
                "name": p.name,
                "names": p.names,
                "category": p.category,
                "unit": p.unit,
                "pack_size": p.pack_size,
                "min_order_qty": p.min_order_qty,
                "list_price": _money(p.list_price),
                "cost_price": _money(p.cost_price),
            },
            f"product-{p.sku}",
            actor,
        )
        for p in supplier.products
    ]
    return jobs


def _pricing_jobs(
    client: Api, world: DemoWorld, now: datetime
) -> list[Callable[[], Awaitable[None]]]:
    jobs: list[Callable[[], Awaitable[None]]] = []
    for supplier in world.suppliers:
        actor = f"supplier:{supplier.supplier_id}"
        for tier, percent in TIERS.items():
            prices = [
                {
                    "sku": p.sku,
                    "percent_off": str(percent),
                    "breaks": [
                        {"min_quantity": p.min_order_qty * 10, "percent_off": str(percent + 5)}
                    ]
                    if index % 3 == 0
                    else [],
                }
                for index, p in enumerate(supplier.products)
            ]
            jobs.append(
                _job(
                    client,
                    "POST",
                    "/api/v1/price-lists",
                    {
                        "supplier_id": str(supplier.supplier_id),
                        "tier": tier,
                        "currency": CURRENCY,
                        "prices": prices,
                    },
                    f"pricelist-{supplier.supplier_id}-{tier}",
                    actor,
                )
            )
        first_category = supplier.products[0].category
        jobs.append(
            _job(
                client,
                "POST",
                "/api/v1/promotions",
                {
                    "supplier_id": str(supplier.supplier_id),
                    "name": f"{first_category.replace('_', ' ').capitalize()} month",
                    "category": first_category,
                    "percent_off": "10",
                    "starts_at": (now - timedelta(days=1)).isoformat(),
                    "ends_at": (now + timedelta(days=60)).isoformat(),
                },
                f"promotion-{supplier.supplier_id}",
                actor,
            )
        )
        jobs.append(
            _job(
                client,
                "POST",
                "/api/v1/coupons",
                {
                    "supplier_id": str(supplier.supplier_id),
                    "code": "WELCOME10",
                    "percent_off": "10",
                    "valid_from": (now - timedelta(days=1)).isoformat(),
                    "valid_until": (now + timedelta(days=365)).isoformat(),
                },
                f"coupon-{supplier.supplier_id}",
                actor,
            )
        )
        for buyer in world.buyers[:3]:
            product = supplier.products[1]
            special = (product.list_price * 80 / 100).quantize(product.list_price)
            jobs.append(
                _job(
                    client,
                    "POST",
                    "/api/v1/customer-prices",
                    {
                        "supplier_id": str(supplier.supplier_id),
                        "buyer_id": str(buyer.buyer_id),
                        "sku": product.sku,
                        "unit_price": _money(special),
                    },
                    f"customer-price-{supplier.supplier_id}-{buyer.buyer_id}",
                    actor,
                )
            )
        for buyer in world.buyers:
            jobs.append(
                _job(
                    client,
                    "PUT",
                    f"/api/v1/payment-terms/{supplier.supplier_id}/{buyer.buyer_id}",
                    {"terms": buyer.terms},
                    f"terms-{supplier.supplier_id}-{buyer.buyer_id}",
                    actor,
                )
            )
        if supplier.auto_confirm:
            jobs.append(
                _job(
                    client,
                    "PUT",
                    f"/api/v1/suppliers/{supplier.supplier_id}/auto-confirm",
                    {
                        "enabled": True,
                        "order_types": ["regular", "urgent"],
                        "max_order_total": _money(5000),
                    },
                    f"auto-confirm-{supplier.supplier_id}",
                    actor,
                )
            )
    return jobs


def _stock_jobs(client: Api, world: DemoWorld) -> list[Callable[[], Awaitable[None]]]:
    jobs = []
    for (warehouse_id, sku), quantity in sorted(
        world.stock.items(), key=lambda item: (str(item[0][0]), item[0][1])
    ):
        jobs.append(
            _job(
                client,
                "POST",
                "/api/v1/stock/receipts",
                {
                    "warehouse_id": str(warehouse_id),
                    "sku": sku,
                    "quantity": quantity,
                    "reference": "opening balance",
                },
                f"receipt-{warehouse_id}-{sku}",
            )
        )
    for supplier in world.suppliers:
        for warehouse in supplier.warehouses:
            for product in supplier.products[:20]:
                jobs.append(
                    _job(
                        client,
                        "PUT",
                        "/api/v1/stock/thresholds",
                        {
                            "warehouse_id": str(warehouse.warehouse_id),
                            "sku": product.sku,
                            "threshold": product.pack_size * 30,
                            "reorder_quantity": product.pack_size * 200,
                        },
                        f"threshold-{warehouse.warehouse_id}-{product.sku}",
                    )
                )
    return jobs


async def seed(
    http: httpx.AsyncClient,
    credentials: Credentials,
    world: DemoWorld | None = None,
    progress: Progress = lambda label, done, total: None,
    now: datetime | None = None,
) -> None:
    """Send every demo request; each carries an Idempotency-Key, so a second run changes nothing."""
    world = world or build_world()
    # Whole days: the same day's re-run sends the same bodies under the same Idempotency-Keys.
    now = now or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    client = Api(http, credentials)
    steps: Iterable[tuple[str, list[Callable[[], Awaitable[None]]]]] = (
        ("parties", _party_jobs(client, world)),
        ("spending rules", _approval_jobs(client, world)),
        ("catalog", [job for s in world.suppliers for job in _supplier_jobs(client, s)]),
        ("prices and terms", _pricing_jobs(client, world, now)),
        ("stock", _stock_jobs(client, world)),
    )
    for label, jobs in steps:
        await _all(label, jobs, progress)
