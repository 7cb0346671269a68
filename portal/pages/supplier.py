"""Supplier: the work queue, shipments to hand over, stock levels with low-stock alerts, and
the price lists and promotions buyers see."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from portal.backend import ApiError
from portal.deps import SupplierPage

router = APIRouter(prefix="/supplier")


@router.get("/queue", response_class=HTMLResponse)
async def queue(page: SupplierPage) -> HTMLResponse:
    """Orders waiting for this supplier's decision (or the buyer's answer), oldest first."""
    rows: list[dict[str, Any]] = []
    error = None
    try:
        rows = await page.api.get(f"/api/v1/suppliers/{page.user.party}/queue")
    except ApiError as problem:
        error = problem
    return page.render("supplier_queue.html", orders=rows, names=await page.names(), error=error)


@router.get("/shipments", response_class=HTMLResponse)
async def shipments(
    page: SupplierPage, status: Annotated[str, Query(max_length=24)] = ""
) -> HTMLResponse:
    """Shipments leaving this supplier's warehouses, e.g. the planned ones to hand over next."""
    warehouses = await page.own_warehouses()
    rows: list[dict[str, Any]] = []
    error = None
    try:
        rows = await page.shipments(status=status) if status else await page.shipments()
    except ApiError as problem:
        error = problem
    rows.sort(key=lambda s: s.get("planned_at") or "", reverse=True)
    return page.render(
        "supplier_shipments.html",
        shipments=rows[:200],
        warehouses=warehouses,
        status=status,
        names=await page.names(),
        error=error,
    )


@router.get("/stock", response_class=HTMLResponse)
async def stock(page: SupplierPage, low: bool = False) -> HTMLResponse:
    """Stock per SKU and warehouse with reorder thresholds; low-stock alerts first."""
    warehouses = await page.own_warehouses()
    levels: list[dict[str, Any]] = []
    error = None
    try:
        for warehouse_id in warehouses:
            api = page.as_party("warehouse", warehouse_id)
            found = await api.get("/api/v1/stock", warehouse_id=warehouse_id)
            levels += found["items"]
    except ApiError as problem:
        error = problem
    levels.sort(key=lambda level: (not level["low"], level["sku"]))
    shown = [level for level in levels if level["low"]] if low else levels
    return page.render(
        "supplier_stock.html",
        levels=shown,
        low_count=sum(1 for level in levels if level["low"]),
        total=len(levels),
        low=low,
        alerts=[level for level in levels if level["low"]][:12],
        warehouses=warehouses,
        error=error,
    )


@router.get("/pricing", response_class=HTMLResponse)
async def pricing(
    page: SupplierPage, tier: Annotated[str, Query(max_length=32)] = ""
) -> HTMLResponse:
    """Tier price lists with quantity breaks, promotions and agreed customer prices."""
    supplier = page.user.party
    error = None
    prices: list[dict[str, Any]] = []
    promotions: list[dict[str, Any]] = []
    customer: list[dict[str, Any]] = []
    products: dict[str, Any] = {}
    try:
        prices = (await page.api.get("/api/v1/price-lists", supplier_id=supplier))["items"]
        promotions = (await page.api.get("/api/v1/promotions", supplier_id=supplier))["items"]
        customer = (await page.api.get("/api/v1/customer-prices", supplier_id=supplier))["items"]
        found = await page.api.get("/api/v1/products", supplier_id=supplier)
        products = {p["sku"]: p for p in found["items"]}
    except ApiError as problem:
        error = problem
    tiers = sorted({p["tier"] for p in prices})
    chosen = tier if tier in tiers else (tiers[0] if tiers else "")
    return page.render(
        "supplier_pricing.html",
        prices=[p for p in prices if p["tier"] == chosen],
        tiers=tiers,
        tier=chosen,
        promotions=promotions,
        customer_prices=customer,
        products=products,
        names=await page.names(),
        error=error,
    )
