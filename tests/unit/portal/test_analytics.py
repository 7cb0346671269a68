"""The analyst dashboard's figures, computed from order and invoice rows as the API returns them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from portal.i18n import activate
from portal.pages.analytics import fill_rate, lead_times, orders_per_day, revenue_by_tier
from portal.pages.operations import stuck

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def order(status: str, placed: datetime, updated: datetime | None = None) -> dict[str, Any]:
    return {
        "status": status,
        "placed_at": placed.isoformat(),
        "updated_at": (updated or placed).isoformat(),
    }


def test_counts_orders_per_day_over_the_last_fourteen_days() -> None:
    rows = [order("placed", NOW), order("placed", NOW), order("placed", NOW - timedelta(days=1))]
    chart = orders_per_day(rows, NOW)
    assert len(chart["labels"]) == 14
    assert chart["values"][-2:] == [1, 2]


def test_buckets_lead_times_of_completed_orders_only() -> None:
    activate("en")
    rows = [
        order("completed", NOW, NOW + timedelta(seconds=30)),
        order("completed", NOW, NOW + timedelta(minutes=5)),
        order("confirmed", NOW, NOW + timedelta(minutes=5)),
    ]
    chart = dict(zip(*lead_times(rows).values(), strict=True))
    assert chart["< 1 min"] == 1
    assert chart["1-10 min"] == 1
    assert sum(chart.values()) == 2


def test_fill_rate_is_shipped_orders_over_orders_the_supplier_decided() -> None:
    rows = [order(s, NOW) for s in ("completed", "shipped", "rejected", "cancelled", "placed")]
    assert fill_rate(rows) == {"rate": 66.7, "filled": 2, "rejected": 1}


def test_no_decided_order_means_no_fill_rate_rather_than_zero() -> None:
    assert fill_rate([order("placed", NOW)])["rate"] is None


def test_revenue_is_summed_per_buyer_tier_largest_first() -> None:
    invoices = [
        {"buyer_id": "a", "total": {"amount": "10.50", "currency": "EUR"}},
        {"buyer_id": "b", "total": {"amount": "100", "currency": "EUR"}},
        {"buyer_id": "a", "total": {"amount": "1", "currency": "EUR"}},
    ]
    activate("en")
    chart = revenue_by_tier(invoices, {"a": "gold", "b": "silver"})
    assert chart == {"labels": ["Silver", "Gold"], "values": [100.0, 11.5]}
    activate("zh_Hant")
    assert revenue_by_tier(invoices, {"a": "gold", "b": "silver"})["labels"] == ["銀級", "金級"]


def test_an_order_under_way_untouched_for_fifteen_minutes_is_stuck() -> None:
    rows = [
        order("awaiting_confirmation", NOW - timedelta(hours=1), NOW - timedelta(minutes=20)),
        order("awaiting_confirmation", NOW - timedelta(hours=1), NOW - timedelta(minutes=5)),
        order("completed", NOW - timedelta(hours=1), NOW - timedelta(minutes=50)),
    ]
    found = stuck(rows, NOW)
    assert [o["idle_minutes"] for o in found] == [20]
