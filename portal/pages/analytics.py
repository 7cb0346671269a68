"""Analyst: a dashboard of orders per day, lead times, fill rate and revenue by customer tier,
computed from the read APIs (orders, buyers, invoices) and drawn with Chart.js."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_skeleton
from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from portal.backend import ApiError
from portal.deps import AnalystPage
from portal.i18n import N_, _, current
from portal.templating import label

router = APIRouter()
DAYS = 14
LEAD_BUCKETS = (
    (1, N_("< 1 min")),
    (10, N_("1-10 min")),
    (60, N_("10-60 min")),
    (24 * 60, N_("1-24 h")),
)
OVER_A_DAY = N_("> 1 day")
FILLED = frozenset({"shipped", "delivered", "accepted", "invoiced", "completed"})


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def orders_per_day(orders: list[dict[str, Any]], today: datetime) -> dict[str, list[Any]]:
    days = [(today - timedelta(days=n)).date() for n in range(DAYS - 1, -1, -1)]
    counts = Counter(_at(o["placed_at"]).date() for o in orders)
    labels = [format_skeleton("MMMd", d, locale=current().babel) for d in days]
    return {"labels": labels, "values": [counts[d] for d in days]}


def lead_times(orders: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Placed to completed, for completed orders, bucketed (minutes)."""
    counts: Counter[str] = Counter()
    for order in orders:
        if order["status"] != "completed":
            continue
        minutes = (_at(order["updated_at"]) - _at(order["placed_at"])).total_seconds() / 60
        label = next((name for limit, name in LEAD_BUCKETS if minutes < limit), OVER_A_DAY)
        counts[label] += 1
    names = [name for _limit, name in LEAD_BUCKETS] + [OVER_A_DAY]
    return {"labels": [_(n) for n in names], "values": [counts[name] for name in names]}


def fill_rate(orders: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of orders decided by the supplier that went on to ship, and the outcome counts."""
    outcomes = Counter(
        "filled" if o["status"] in FILLED else o["status"]
        for o in orders
        if o["status"] in FILLED | {"rejected"}
    )
    decided = sum(outcomes.values())
    rate = round(100 * outcomes["filled"] / decided, 1) if decided else None
    return {"rate": rate, "filled": outcomes["filled"], "rejected": outcomes["rejected"]}


def revenue_by_tier(invoices: list[dict[str, Any]], tiers: dict[str, str]) -> dict[str, list[Any]]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in invoices:
        sums[tiers.get(invoice["buyer_id"], "unknown")] += Decimal(invoice["total"]["amount"])
    tiers_by_revenue = sorted(sums, key=lambda t: -sums[t])
    labels = [label(t) for t in tiers_by_revenue]
    return {"labels": labels, "values": [float(sums[t]) for t in tiers_by_revenue]}


@router.get("/analytics", response_class=HTMLResponse)
async def dashboard(page: AnalystPage) -> HTMLResponse:
    error = None
    orders: list[dict[str, Any]] = []
    invoices: list[dict[str, Any]] = []
    tiers: dict[str, str] = {}
    try:
        orders = await page.api.get("/api/v1/orders", limit=500)
        invoices = await page.api.get("/api/v1/invoices")
        buyers = await page.api.get("/api/v1/buyers", limit=500)
        tiers = {b["buyer_id"]: b["tier"] for b in buyers}
    except ApiError as problem:
        error = problem
    today = datetime.now().astimezone()
    charts = {
        "perDay": orders_per_day(orders, today),
        "leadTime": lead_times(orders),
        "revenueByTier": revenue_by_tier(invoices, tiers),
    }
    fill = fill_rate(orders)
    charts["fill"] = {
        "labels": [_("Shipped"), _("Rejected")],
        "values": [fill["filled"], fill["rejected"]],
    }
    revenue = sum(Decimal(i["total"]["amount"]) for i in invoices)
    try:
        sourcing = await page.api.get("/api/v1/sourcing/analytics")
    except ApiError:
        sourcing = None  # figures of a service that is not reachable: the rest still shows
    return page.render(
        "analytics.html",
        charts_json=json.dumps(charts),
        orders_count=len(orders),
        fill=fill,
        revenue=revenue,
        currency=invoices[0]["currency"] if invoices else "",
        sample_note=len(orders) >= 500,
        sourcing=sourcing,
        names=await page.names(),
        error=error,
    )
