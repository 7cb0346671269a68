"""Logistics through the embedded runtime: planning from upstream events, shipping, tracking,
inspection and returns over HTTP. Upstream facts are appended straight into their stores."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import httpx

from runtime.embedded import EmbeddedSystem
from shared.events.base import DomainEvent, Money
from shared.events.inventory import RoutingCandidate, RoutingDecision, StockReserved
from shared.events.order import OrderCancelled, OrderConfirmed, OrderPlaced
from shared.events.values import AgreedLine, Allocation, OrderType, Party
from shared.service.codec import to_envelope, to_new_event
from tests.helpers import eventually

NOW = datetime.now(UTC)
ETA = "2030-01-10T12:00:00Z"
Json = Any


class Order:
    """One order's upstream facts, appended into the order and inventory stores."""

    def __init__(self, system: EmbeddedSystem, lines: dict[str, int] | None = None) -> None:
        self.system = system
        self.id = uuid4()
        self.buyer = uuid4()
        self.supplier = uuid4()
        self.north, self.south = uuid4(), uuid4()
        self.lines = lines or {"A": 10, "B": 4}

    async def emit(self, service: str, event: DomainEvent, event_id: UUID | None = None) -> UUID:
        event_id = event_id or uuid4()
        new = to_new_event(
            event,
            event_id=event_id,
            occurred_at=NOW,
            correlation_id=self.id,
            causation_id=None,
            actor="system:test",
        )
        # Streams no real aggregate uses, so other services' reactions cannot touch them.
        store = self.system.services[service].context.store
        await store.append(f"upstream-{service}-{self.id}", [new])
        return event_id

    async def placed(self) -> None:
        lines = [
            {"line_no": n, "sku": s, "quantity": q}
            for n, (s, q) in enumerate(self.lines.items(), 1)
        ]
        event = OrderPlaced(
            order_id=self.id,
            buyer_id=self.buyer,
            supplier_id=self.supplier,
            order_type=OrderType.REGULAR,
            lines=lines,  # type: ignore[arg-type]
            delivery_region="north",
        )
        await self.emit("order", event)

    async def reserved(self) -> UUID:
        """Line 1 from north; line 2 split between north (1) and south (the rest)."""
        (sku_a, qty_a), (sku_b, qty_b) = self.lines.items()
        allocations = (
            Allocation(line_no=1, sku=sku_a, warehouse_id=self.north, quantity=qty_a),
            Allocation(line_no=2, sku=sku_b, warehouse_id=self.north, quantity=1),
            Allocation(line_no=2, sku=sku_b, warehouse_id=self.south, quantity=qty_b - 1),
        )
        candidate = RoutingCandidate(
            warehouse_id=self.north,
            serves_region=True,
            speed_rank=1,
            lead_time_days=1,
            available=(),
            chosen=True,
        )
        routing = RoutingDecision(
            rule="region_first",
            order_type=OrderType.REGULAR,
            delivery_region="north",
            candidates=(candidate,),
            reason="north serves the region",
        )
        event = StockReserved(order_id=self.id, allocations=allocations, routing=routing)
        return await self.emit("inventory", event)

    async def confirmed(self) -> UUID:
        price = Money(amount=Decimal("2.50"), currency="EUR")
        lines = tuple(
            AgreedLine(line_no=n, sku=s, quantity=q, unit_price=price)
            for n, (s, q) in enumerate(self.lines.items(), 1)
        )
        event = OrderConfirmed(
            order_id=self.id, lines=lines, total=Money(amount=Decimal("35"), currency="EUR")
        )
        return await self.emit("order", event)

    async def cancelled(self) -> None:
        await self.emit(
            "order", OrderCancelled(order_id=self.id, reason="not needed", cancelled_by=Party.BUYER)
        )


async def shipments_of(client: httpx.AsyncClient, order: Order, count: int) -> list[Json]:
    async def probe() -> list[Json]:
        return (await client.get("/api/v1/shipments", params={"order_id": str(order.id)})).json()

    found = await eventually(probe, lambda rows: len(rows) >= count, what=f"{count} shipments")
    return sorted(found, key=lambda s: s["warehouse_id"] != str(order.north))


async def register_carrier(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/api/v1/carriers",
        json={
            "code": "SF",
            "name": "SF Express",
            "regions_served": ["north"],
            "tracking_url_template": "https://sf.example/t/{tracking_number}",
        },
        headers={"X-Actor": "operations:ops1", "Idempotency-Key": str(uuid4())},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


async def post(
    client: httpx.AsyncClient, path: str, actor: str, body: Json, **headers: str
) -> httpx.Response:
    all_headers = {"X-Actor": actor, "Idempotency-Key": str(uuid4()), **headers}
    return await client.post(path, json=body, headers=all_headers)


async def planned_and_shipped(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> tuple[Order, str, Json]:
    order = Order(system)
    await order.placed()
    await order.reserved()
    await order.confirmed()
    carrier = await register_carrier(client)
    north, _ = await shipments_of(client, order, 2)
    shipped = await post(
        client,
        f"/api/v1/shipments/{north['shipment_id']}/ship",
        f"warehouse:{order.north}",
        {"carrier_id": carrier, "tracking_number": "SF123", "eta": ETA},
    )
    assert shipped.status_code == 200, shipped.text
    return order, carrier, north


async def test_confirmed_order_ships_tracks_delivers_and_is_partly_returned(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    order, carrier, north = await planned_and_shipped(client, system)
    assert north["lines"] == [
        {"line_no": 1, "sku": "A", "quantity": 10},
        {"line_no": 2, "sku": "B", "quantity": 1},
    ]
    shipment = f"/api/v1/shipments/{north['shipment_id']}"
    as_carrier = f"carrier:{carrier}"
    tracking = {
        "status": "at_hub",
        "location": "Taoyuan hub",
        "eta": ETA,
        "reported_at": NOW.isoformat(),
    }
    assert (await post(client, f"{shipment}/tracking", as_carrier, tracking)).status_code == 200
    # Another carrier learns nothing: its report answers 404 as its read of the shipment does.
    stranger = f"carrier:{uuid4()}"
    foreign = await post(client, f"{shipment}/tracking", stranger, tracking)
    seen = await client.get(shipment, headers={"X-Actor": stranger})
    assert (foreign.status_code, seen.status_code) == (404, 404)
    assert carrier not in foreign.text
    delay = {"reason": "typhoon", "new_eta": "2030-01-12T12:00:00Z"}
    assert (await post(client, f"{shipment}/delay", as_carrier, delay)).status_code == 200
    damage = {"lines": [{"line_no": 1, "sku": "A", "quantity": 2, "description": "crushed box"}]}
    assert (await post(client, f"{shipment}/damage", as_carrier, damage)).status_code == 200
    done = {"delivered_at": NOW.isoformat(), "received_by": "Ms Lin"}
    delivered = await post(client, f"{shipment}/delivered", as_carrier, done)
    assert delivered.status_code == 200
    inspection = {
        "lines": [
            {"line_no": 1, "sku": "A", "accepted": 8, "rejected": 2, "reason": "crushed"},
            {"line_no": 2, "sku": "B", "accepted": 1},
        ],
        "remedy": "replacement",
    }
    accepted = await post(client, f"{shipment}/acceptance", f"buyer:{order.buyer}", inspection)
    assert accepted.json()["events"] == [
        "GoodsAccepted",
        "GoodsRejected",
        "ReturnAuthorized",
        "ShipmentPlanned",
    ]

    detail = (
        await client.get(shipment, params={"min_position": accepted.json()["position"]})
    ).json()
    assert detail["status"] == "partially_accepted"
    assert detail["eta"].startswith("2030-01-12")
    assert detail["tracking_url"] == "https://sf.example/t/SF123"
    assert [d["detail"]["reason"] for d in detail["delays"]] == ["typhoon"]
    assert detail["damage"][0]["detail"]["lines"][0]["quantity"] == 2
    assert [h["event_type"] for h in detail["history"]] == [
        "Shipped",
        "ShipmentStatusUpdated",
        "ShipmentDelayed",
        "ShipmentDamaged",
        "Delivered",
        "GoodsAccepted",
        "GoodsRejected",
    ]
    replacement = await client.get(f"/api/v1/shipments/{detail['replacement_shipment_id']}")
    assert replacement.json()["lines"] == [{"line_no": 1, "sku": "A", "quantity": 2}]
    assert replacement.json()["warehouse_id"] == str(order.north)

    since = {"order_id": str(order.id), "min_position": accepted.json()["position"]}
    returns = (await client.get("/api/v1/returns", params=since)).json()
    assert [(r["status"], r["warehouse_id"]) for r in returns] == [("authorized", str(order.north))]
    received = await post(
        client,
        f"/api/v1/returns/{returns[0]['return_id']}/received",
        f"warehouse:{order.north}",
        {"lines": [{"line_no": 1, "sku": "A", "quantity": 2, "condition": "damaged"}]},
    )
    assert received.json()["events"] == ["ReturnReceived"]
    again = (
        await client.get(
            "/api/v1/returns",
            params={"order_id": str(order.id), "min_position": received.json()["position"]},
        )
    ).json()
    assert again[0]["status"] == "received"


async def test_plans_once_whichever_side_comes_first_and_on_redelivery(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    order = Order(system)
    confirmed_id = await order.confirmed()
    await order.reserved()
    await shipments_of(client, order, 2)
    logistics = system.services["logistics"]
    policy = next(p for p in logistics.parts.policies if p.source == "order")
    record = next(
        r
        for r in await system.services["order"].context.store.read_stream(
            f"upstream-order-{order.id}"
        )
        if r.event_id == confirmed_id
    )
    await policy.handle(to_envelope(record))
    stream = await logistics.context.store.read_stream(f"fulfilment-{order.id}")
    assert [r.event_type for r in stream].count("ShipmentPlanned") == 2


async def test_cancellation_cancels_planned_shipments_which_then_cannot_ship(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    order = Order(system)
    await order.reserved()
    await order.confirmed()
    carrier = await register_carrier(client)
    north, _ = await shipments_of(client, order, 2)
    await order.cancelled()

    async def statuses() -> list[str]:
        rows = (await client.get("/api/v1/shipments", params={"order_id": str(order.id)})).json()
        return [row["status"] for row in rows]

    await eventually(statuses, lambda s: s == ["cancelled", "cancelled"], what="cancelled")
    refused = await post(
        client,
        f"/api/v1/shipments/{north['shipment_id']}/ship",
        f"warehouse:{order.north}",
        {"carrier_id": carrier, "tracking_number": "X1"},
    )
    assert refused.status_code == 409
    assert refused.json()["title"] == "ShipmentWasCancelled"
    assert refused.headers["content-type"] == "application/problem+json"


async def test_only_the_shipments_warehouse_ships_with_a_known_carrier(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    order = Order(system)
    await order.reserved()
    await order.confirmed()
    carrier = await register_carrier(client)
    north, _ = await shipments_of(client, order, 2)
    path = f"/api/v1/shipments/{north['shipment_id']}/ship"
    body = {"carrier_id": carrier, "tracking_number": "X1"}
    other = await post(client, path, f"warehouse:{order.south}", body)
    assert (other.status_code, other.json()["title"]) == (404, "UnknownShipment")
    assert str(order.north) not in other.text, "a foreign warehouse learns nothing of it"
    unknown = await post(
        client, path, f"warehouse:{order.north}", {**body, "carrier_id": str(uuid4())}
    )
    assert (unknown.status_code, unknown.json()["field"]) == (422, "carrier_id")
    missing = await post(
        client, f"/api/v1/shipments/{uuid4()}/ship", f"warehouse:{order.north}", body
    )
    assert missing.status_code == 404
    pick = await client.get(
        f"/api/v1/warehouses/{order.north}/shipments", params={"status": "planned"}
    )
    assert [s["shipment_id"] for s in pick.json()] == [north["shipment_id"]]
    stream = await system.services["logistics"].context.store.read_stream(f"fulfilment-{order.id}")
    assert "Shipped" not in [r.event_type for r in stream]


async def test_the_orders_supplier_ships_for_its_warehouse_and_no_other_supplier_may(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    order = Order(system)
    await order.placed()
    await order.reserved()
    await order.confirmed()
    carrier = await register_carrier(client)
    north, _ = await shipments_of(client, order, 2)
    path = f"/api/v1/shipments/{north['shipment_id']}/ship"
    body = {"carrier_id": carrier, "tracking_number": "SUP-1"}
    stranger = await post(client, path, f"supplier:{uuid4()}", body)
    assert (stranger.status_code, stranger.json()["title"]) == (404, "UnknownShipment")
    own = await post(client, path, f"supplier:{order.supplier}", body)
    assert own.status_code == 200, own.text
    stream = await system.services["logistics"].context.store.read_stream(f"fulfilment-{order.id}")
    shipped = [r for r in stream if r.event_type == "Shipped"]
    assert len(shipped) == 1
    assert shipped[0].metadata["actor"] == f"supplier:{order.supplier}"


async def test_acceptance_rules_are_enforced(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    order, carrier, north = await planned_and_shipped(client, system)
    shipment = f"/api/v1/shipments/{north['shipment_id']}"
    buyer = f"buyer:{order.buyer}"
    good = {
        "lines": [
            {"line_no": 1, "sku": "A", "accepted": 10},
            {"line_no": 2, "sku": "B", "accepted": 1},
        ]
    }
    early = await post(client, f"{shipment}/acceptance", buyer, good)
    assert (early.status_code, early.json()["title"]) == (409, "ShipmentNotDelivered")
    done = {"delivered_at": NOW.isoformat()}
    assert (
        await post(client, f"{shipment}/delivered", f"carrier:{carrier}", done)
    ).status_code == 200
    short = {
        "lines": [
            {"line_no": 1, "sku": "A", "accepted": 9},
            {"line_no": 2, "sku": "B", "accepted": 1},
        ]
    }
    wrong = await post(client, f"{shipment}/acceptance", buyer, short)
    assert (wrong.status_code, wrong.json()["field"]) == (422, "lines[0]")
    stranger = await post(client, f"{shipment}/acceptance", f"buyer:{uuid4()}", good)
    assert stranger.status_code == 404
    assert (await post(client, f"{shipment}/acceptance", buyer, good)).json()["events"] == [
        "GoodsAccepted"
    ]
    twice = await post(client, f"{shipment}/acceptance", buyer, good)
    assert (twice.status_code, twice.json()["title"]) == (409, "GoodsAlreadyInspected")


async def test_idempotency_key_and_if_match(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    _, carrier, north = await planned_and_shipped(client, system)
    shipment = f"/api/v1/shipments/{north['shipment_id']}"
    body = {"status": "in_transit", "reported_at": NOW.isoformat()}
    headers = {"X-Actor": f"carrier:{carrier}", "Idempotency-Key": "k-1"}
    first = await client.post(f"{shipment}/tracking", json=body, headers=headers)
    again = await client.post(f"{shipment}/tracking", json=body, headers=headers)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await client.post(
        f"{shipment}/tracking", json={**body, "location": "x"}, headers=headers
    )
    assert (other.status_code, other.json()["field"]) == (422, "Idempotency-Key")

    current = await client.get(shipment, params={"min_position": first.json()["position"]})
    assert current.headers["ETag"] == first.headers["ETag"]
    stale = await post(
        client, f"{shipment}/tracking", f"carrier:{carrier}", body, **{"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    fresh = await post(
        client,
        f"{shipment}/tracking",
        f"carrier:{carrier}",
        body,
        **{"If-Match": current.headers["ETag"]},
    )
    assert fresh.status_code == 200


BAD_INPUT = [
    ("tracking", {"status": "lost_in_space", "reported_at": NOW.isoformat()}, "status"),
    ("tracking", {"status": "at_hub", "reported_at": "2030-01-01T00:00:00"}, "reported_at"),
    ("delay", {"reason": " ", "new_eta": ETA}, "reason"),
    ("damage", {"lines": []}, "lines"),
    ("acceptance", {"lines": [{"line_no": 1, "sku": "A", "accepted": -1}]}, "lines[0].accepted"),
    ("ship", {"carrier_id": "nope", "tracking_number": "T"}, "carrier_id"),
]


async def test_bad_input_is_a_422_naming_the_field(client: httpx.AsyncClient) -> None:
    roles = {"acceptance": "buyer", "ship": "warehouse"}
    for path, body, field in BAD_INPUT:
        actor = f"{roles.get(path, 'carrier')}:{uuid4()}"
        response = await post(client, f"/api/v1/shipments/{uuid4()}/{path}", actor, body)
        assert response.status_code == 422, (path, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (path, response.json())


async def test_master_data_is_registered_and_listed(client: httpx.AsyncClient) -> None:
    carrier = await register_carrier(client)
    listed = await eventually(
        lambda: client.get(f"/api/v1/carriers/{carrier}"),
        lambda r: r.status_code == 200,
        what="carrier listed",
    )
    assert listed.json()["code"] == "SF"
    buyer = uuid4()
    address = {
        "buyer_id": str(buyer),
        "label": "Store",
        "recipient": "Receiving",
        "street": ["1 Harbour Rd"],
        "city": "Keelung",
        "country": "TW",
        "region": "north",
    }
    created = await post(client, "/api/v1/delivery-addresses", f"buyer:{buyer}", address)
    assert created.status_code == 200
    mine = await client.get(
        "/api/v1/delivery-addresses",
        headers={"X-Actor": f"buyer:{buyer}"},
        params={"min_position": created.json()["position"]},
    )
    assert [a["address_id"] for a in mine.json()] == [created.json()["id"]]
    foreign = await post(client, "/api/v1/delivery-addresses", f"buyer:{uuid4()}", address)
    assert foreign.status_code == 403
    bad = await post(
        client, "/api/v1/delivery-addresses", f"buyer:{buyer}", {**address, "country": "Taiwan"}
    )
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "country")
    dup = await post(
        client,
        "/api/v1/carriers",
        "operations:o",
        {"carrier_id": carrier, "code": "SF", "name": "x", "regions_served": ["n"]},
    )
    assert (dup.status_code, dup.json()["title"]) == (409, "CarrierAlreadyRegistered")
