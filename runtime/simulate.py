"""Drive orders through their whole lifecycle using only the public HTTP API, as each party would:
the buyer orders and inspects, the supplier confirms, rejects or amends, the warehouse ships,
the carrier reports, the bank settles."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from runtime.credentials import Credentials
from runtime.demo_accounts import APPROVERS, approval_buyer
from runtime.demo_data import CURRENCY, Buyer, DemoWorld, Product, Supplier

SCENARIOS: dict[str, float] = {
    "happy": 0.49,
    "cancel": 0.08,
    "reject": 0.08,
    "amend_accept": 0.08,
    "amend_decline": 0.06,
    "partial_acceptance": 0.10,
    "out_of_stock": 0.05,
    "credit_hold": 0.05,
    "approval": 0.04,
    "approval_declined": 0.02,
}
EXPECTED_FINAL = {
    "happy": "completed",
    "cancel": "cancelled",
    "reject": "rejected",
    "amend_accept": "completed",
    "amend_decline": "completed",
    "partial_acceptance": "completed",
    "out_of_stock": "rejected",
    "credit_hold": "completed",
    "approval": "completed",
    "approval_declined": "rejected",
}
HOLD_LIMIT = "0.01"
"""The credit limit the held path sets for its buyer: every order of that buyer is then held
until its supplier releases it (the other paths never order for that buyer)."""
APPROVAL_CATEGORY = "power_tools"
"""What the approval paths order: the demo company's spending rules ask one approval for it."""
APPROVAL_PATHS = ("approval", "approval_declined")
OPERATIONS = "operations:simulator"
LONG_POLL_SECONDS = 10.0
"""How long one GET may wait for an order to change before the simulator asks again."""
PRECONDITION_RETRIES = 5
"""Tries of a command whose order moved on between the read and the command (412)."""


class SimulationError(RuntimeError):
    """A step did not go as the scenario expects; the message names the order and the step."""


class PreconditionFailed(SimulationError):
    """A command's If-Match named a version the order had left (412)."""


@dataclass
class OrderRun:
    scenario: str
    order_id: str = ""
    final_status: str = ""
    placed_at: float = 0.0
    confirmed_after: float | None = None
    completed_after: float | None = None
    held: bool = False
    released: bool = False
    approved: bool = False
    not_approved: bool = False
    error: str | None = None


@dataclass
class Summary:
    orders: int
    seconds: float
    runs: list[OrderRun] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        confirmed = sorted(r.confirmed_after for r in self.runs if r.confirmed_after is not None)
        completed = sorted(r.completed_after for r in self.runs if r.completed_after is not None)
        unexpected = [
            {
                "order_id": r.order_id,
                "scenario": r.scenario,
                "status": r.final_status,
                "error": r.error,
            }
            for r in self.runs
            if r.error or r.final_status != EXPECTED_FINAL[r.scenario]
        ]
        return {
            "orders": self.orders,
            "seconds": round(self.seconds, 3),
            "orders_per_second": round(self.orders / self.seconds, 2) if self.seconds else None,
            "final_states": dict(Counter(r.final_status or "error" for r in self.runs)),
            "scenarios": dict(Counter(r.scenario for r in self.runs)),
            "as_expected": self.orders - len(unexpected),
            "unexpected": unexpected[:20],
            "held": sum(r.held for r in self.runs),
            "released": sum(r.released for r in self.runs),
            "approved": sum(r.approved for r in self.runs),
            "not_approved": sum(r.not_approved for r in self.runs),
            "place_to_confirmed_ms": _percentiles(confirmed),
            "place_to_completed_ms": _percentiles(completed),
        }


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p99": None}

    def at(q: float) -> float:
        return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 1)

    return {"p50": at(0.5), "p99": at(0.99)}


async def _send(
    client: httpx.AsyncClient, method: str, path: str, attempts: int = 5, **kwargs: Any
) -> httpx.Response:
    """One request, sent again when the connection fails before an answer arrives.

    A gateway reloading or a service restarting drops pooled connections; a request is safe to
    send again because GETs change nothing and every POST carries its Idempotency-Key.
    """
    for attempt in range(1, attempts + 1):
        try:
            return await client.request(method, path, **kwargs)
        except httpx.TransportError:
            if attempt == attempts:
                raise
            await asyncio.sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")


def _satisfies(order: Any, until: str) -> bool:
    """Whether ``order`` meets the long-poll conditions of the query string ``until``."""
    statuses = []
    for condition in until.split("&"):
        name, _, value = condition.partition("=")
        if name == "until_status":
            statuses.append(value)
        elif name.startswith("until_") and len(order.get(name[6:]) or ()) < int(value):
            return False
    return not statuses or order["status"] in statuses


def _money(amount: str, currency: str) -> dict[str, str]:
    return {"amount": amount, "currency": currency}


class Lifecycle:
    """One order's story, told through the API by each party in turn."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        credentials: Credentials,
        world: DemoWorld,
        rng: random.Random,
        timeout: float,
    ) -> None:
        self.client = client
        self.credentials = credentials
        self.world = world
        self.rng = rng
        self.timeout = timeout

    async def _call(
        self,
        method: str,
        path: str,
        actor: str,
        body: Any = None,
        person: str | None = None,
        **headers: str,
    ) -> httpx.Response:
        sent = {**await self.credentials.headers(actor, person), **headers}
        if method == "POST":
            sent.setdefault("Idempotency-Key", str(uuid.uuid4()))
        response = await _send(self.client, method, path, json=body, headers=sent)
        if response.status_code >= 400:
            failed = PreconditionFailed if response.status_code == 412 else SimulationError
            raise failed(f"{method} {path} → {response.status_code}: {response.text[:300]}")
        return response

    async def _with_current_version(
        self, order_id: str, order: Any, act: Callable[[str], Awaitable[httpx.Response]]
    ) -> httpx.Response:
        """``act`` with the order's ETag; if the order moved on meanwhile (412: a reaction
        wrote to it between the read and the command), read it again and retry, as a client
        should."""
        for attempt in range(1, PRECONDITION_RETRIES + 1):
            try:
                return await act(f'"{order["version"]}"')
            except PreconditionFailed:
                if attempt == PRECONDITION_RETRIES:
                    raise
                await asyncio.sleep(0.1 * attempt)
                order = await self.order(order_id)
        raise AssertionError("unreachable")

    async def _await_order(
        self, order_id: str, until: str, what: str, actor: str = OPERATIONS
    ) -> Any:
        """The order once it satisfies ``until`` (the order route's long-poll conditions, e.g.
        ``until_status=completed``): the server answers when that holds, never a polling loop;
        fails after the step timeout."""
        deadline = time.monotonic() + self.timeout
        while True:
            wait = max(0.0, min(LONG_POLL_SECONDS, deadline - time.monotonic()))
            path = f"/api/v1/orders/{order_id}?{until}&wait={wait:.1f}"
            headers = await self.credentials.headers(actor)
            response = await _send(self.client, "GET", path, headers=headers)
            if response.status_code != 200:
                raise SimulationError(f"GET order {order_id} → {response.status_code}")
            order = response.json()
            if _satisfies(order, until):
                return order
            if time.monotonic() > deadline:
                raise SimulationError(f"timed out waiting for {what} (order {order_id})")

    async def _until(self, path: str, done: Callable[[Any], bool], what: str) -> Any:
        """Poll a list until ``done`` (for the rare change no long poll covers)."""
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            response = await self._call("GET", path, OPERATIONS)
            if done(response.json()):
                return response.json()
            if time.monotonic() > deadline:
                raise SimulationError(f"timed out waiting for {what} ({path})")
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.1)

    async def _listed(self, path: str, order: Any, service: str) -> Any:
        """A list from ``service``'s read model, at least as new as the order's detail shows."""
        seen = [e["position"] for e in order.get("timeline", ()) if e["service"] == service]
        position = max(seen, default=0)
        separator = "&" if "?" in path else "?"
        response = await self._call("GET", f"{path}{separator}min_position={position}", OPERATIONS)
        return response.json()

    async def order(self, order_id: str, after: httpx.Response | None = None) -> Any:
        """The order as its read model shows it, at least as new as ``after``'s command."""
        position = after.json().get("position", 0) if after is not None else 0
        path = f"/api/v1/orders/{order_id}?min_position={position}"
        return (await self._call("GET", path, "operations:simulator")).json()

    def _pick(self, supplier: Supplier, count: int) -> list[Product]:
        return self.rng.sample(supplier.products, count)

    def _buyer(self, scenario: str) -> Buyer:
        """The held path orders for the last buyer alone, the approval paths for the company
        with spending rules, every other path for the rest."""
        buyers = self.world.buyers
        if len(buyers) < 3:
            return buyers[0]
        if scenario == "credit_hold":
            return buyers[-1]
        if scenario in APPROVAL_PATHS:
            return approval_buyer(self.world)
        return self.rng.choice(buyers[:-2])

    def _supplier(self, scenario: str) -> Supplier:
        if scenario in APPROVAL_PATHS:
            return next(s for s in self.world.suppliers if self._approval_products(s))
        return self.rng.choice(self.world.suppliers)

    @staticmethod
    def _approval_products(supplier: Supplier) -> list[Product]:
        return [p for p in supplier.products if p.category == APPROVAL_CATEGORY]

    async def _approve(self, run: OrderRun, order: Any, buyer: Buyer) -> Any:
        """The approval paths: one of the company's approvers approves, or declines."""
        if run.scenario not in APPROVAL_PATHS:
            raise SimulationError(f"order {run.order_id} waits for approval unexpectedly")
        declining = run.scenario == "approval_declined"
        verb, body = ("disapprove", {"reason": "over budget"}) if declining else ("approve", {})
        await self._with_current_version(
            run.order_id,
            order,
            lambda etag: self._call(
                "POST",
                f"/api/v1/orders/{run.order_id}/{verb}",
                f"buyer:{buyer.buyer_id}",
                body,
                person=APPROVERS[0],
                **{"If-Match": etag},
            ),
        )
        run.not_approved, run.approved = declining, not declining
        return await self._await_order(
            run.order_id,
            "until_status=awaiting_confirmation&until_status=confirmed"
            "&until_status=awaiting_prepayment&until_status=rejected&until_status=on_hold",
            "approval",
        )

    async def _hold_credit(self, supplier: Supplier, buyer: Buyer, currency: str) -> None:
        path = f"/api/v1/credit-limits/{supplier.supplier_id}/{buyer.buyer_id}"
        body = {"limit": _money(HOLD_LIMIT, currency)}
        await self._call("PUT", path, f"supplier:{supplier.supplier_id}", body)

    async def _release(self, run: OrderRun, order: Any, supplier: Supplier) -> Any:
        """The held path: its supplier releases it, saying why."""
        if run.scenario != "credit_hold":
            raise SimulationError(f"order {run.order_id} held: {order.get('hold')}")
        run.held = True
        await self._with_current_version(
            run.order_id,
            order,
            lambda etag: self._call(
                "POST",
                f"/api/v1/orders/{run.order_id}/release",
                f"supplier:{supplier.supplier_id}",
                {"reason": "long-standing customer; payment promised"},
                **{"If-Match": etag},
            ),
        )
        run.released = True
        return await self._await_order(
            run.order_id, "until_status=awaiting_confirmation&until_status=rejected", "release"
        )

    async def run(self, run: OrderRun) -> OrderRun:
        supplier = self._supplier(run.scenario)
        buyer = self._buyer(run.scenario)
        if run.scenario == "credit_hold":
            await self._hold_credit(supplier, buyer, CURRENCY)
        products = self._pick(supplier, self.rng.randint(1, 3))
        if run.scenario in APPROVAL_PATHS:
            products = [self.rng.choice(self._approval_products(supplier))]
        lines = [
            {"sku": p.sku, "quantity": p.min_order_qty * self.rng.randint(1, 3)} for p in products
        ]
        if run.scenario == "out_of_stock":
            lines[0]["quantity"] = products[0].pack_size * 100_000
        run.placed_at = time.monotonic()
        buyer_actor = f"buyer:{buyer.buyer_id}"
        placed = await self._call(
            "POST",
            "/api/v1/orders",
            buyer_actor,
            {
                "buyer_id": str(buyer.buyer_id),
                "supplier_id": str(supplier.supplier_id),
                "order_type": "regular",
                "lines": lines,
            },
        )
        run.order_id = placed.json()["id"]
        order = await self._await_order(
            run.order_id,
            "until_status=awaiting_confirmation&until_status=confirmed"
            "&until_status=awaiting_prepayment&until_status=rejected&until_status=on_hold"
            "&until_status=awaiting_approval",
            "pricing and reservation",
        )
        if order["status"] == "awaiting_approval" or run.scenario in APPROVAL_PATHS:
            if order["status"] != "awaiting_approval":
                raise SimulationError(f"order {run.order_id} did not wait for approval")
            order = await self._approve(run, order, buyer)
        if order["status"] == "on_hold":
            order = await self._release(run, order, supplier)
        if order["status"] == "rejected":
            return self._finish(run, order)
        last = await self._negotiate(run, order, supplier, buyer)
        order = await self.order(run.order_id, last)
        if order["status"] in ("cancelled", "rejected"):
            return self._finish(run, order)
        run.confirmed_after = time.monotonic() - run.placed_at
        await self._fulfil(run, order, supplier, buyer)
        order = await self._await_order(
            run.order_id, "until_status=completed", "completion", actor=buyer_actor
        )
        run.completed_after = time.monotonic() - run.placed_at
        return self._finish(run, order)

    def _finish(self, run: OrderRun, order: Any) -> OrderRun:
        run.final_status = order["status"]
        return run

    async def _negotiate(
        self, run: OrderRun, order: Any, supplier: Supplier, buyer: Buyer
    ) -> httpx.Response | None:
        path = f"/api/v1/orders/{run.order_id}"
        supplier_actor = f"supplier:{supplier.supplier_id}"
        buyer_actor = f"buyer:{buyer.buyer_id}"
        if order["status"] in ("confirmed", "awaiting_prepayment"):  # an auto-confirm rule did
            if run.scenario in ("cancel", "reject", "amend_accept", "amend_decline"):
                run.scenario = "happy"
            return None
        etag = f'"{order["version"]}"'
        if run.scenario == "cancel":
            return await self._call(
                "POST",
                f"{path}/cancel",
                buyer_actor,
                {"reason": "changed plans"},
                **{"If-Match": etag},
            )
            return
        if run.scenario == "reject":
            return await self._call(
                "POST",
                f"{path}/reject",
                supplier_actor,
                {"reason": "account on hold"},
                **{"If-Match": etag},
            )
            return
        if run.scenario in ("amend_accept", "amend_decline"):
            line = order["lines"][0]
            proposal = await self._call(
                "POST",
                f"{path}/amendments",
                supplier_actor,
                {
                    "changes": [
                        {
                            "line_no": line["line_no"],
                            "sku": line["sku"],
                            "delivery_date": (datetime.now(UTC) + timedelta(days=10))
                            .date()
                            .isoformat(),
                        }
                    ],
                    "note": "earliest possible delivery date",
                },
                **{"If-Match": etag},
            )
            proposal_id = proposal.json()["proposal_id"]
            answer = "accept" if run.scenario == "amend_accept" else "decline"
            answered = await self._call(
                "POST", f"{path}/amendments/{proposal_id}/{answer}", buyer_actor, {}
            )
            order = await self.order(run.order_id, answered)
            etag = f'"{order["version"]}"'
        return await self._call("POST", f"{path}/confirm", supplier_actor, {}, **{"If-Match": etag})

    async def _fulfil(self, run: OrderRun, order: Any, supplier: Supplier, buyer: Buyer) -> None:
        """Ship, deliver, accept and pay ``order`` (as read once it was confirmed: its
        allocations, reserved before the confirmation, are there)."""
        warehouses = {a["warehouse_id"] for a in order.get("allocations") or []}
        wanted = max(1, len(warehouses))
        order = await self._await_order(
            run.order_id, f"until_shipments={wanted}", "shipment planning"
        )
        shipments = await self._listed(
            f"/api/v1/shipments?order_id={run.order_id}", order, "logistics"
        )
        carriers = [c for c in self.world.carriers if order["delivery_region"] in c.regions]
        prepaid = buyer.terms == "prepaid"
        if prepaid:  # billed in full on confirmation: paid before anything ships
            await self._settle(run, buyer, 1)
            shipments = await self._until(
                f"/api/v1/shipments?order_id={run.order_id}",
                lambda rows: not any(s["awaiting_prepayment"] for s in rows),
                "shipping released by the prepayment",
            )
        for shipment in shipments:
            carrier = self.rng.choice(carriers or list(self.world.carriers))
            await self._deliver(shipment, str(carrier.carrier_id))
            await self._inspect(run, shipment, buyer)
        if not prepaid:
            await self._settle(run, buyer, len(shipments))

    async def _deliver(self, shipment: Any, carrier_id: str) -> None:
        path = f"/api/v1/shipments/{shipment['shipment_id']}"
        now = datetime.now(UTC)
        warehouse = f"warehouse:{shipment['warehouse_id']}"
        carrier = f"carrier:{carrier_id}"
        await self._call(
            "POST",
            f"{path}/ship",
            warehouse,
            {
                "carrier_id": carrier_id,
                "tracking_number": f"TRK{self.rng.randrange(10**9):09d}",
                "eta": (now + timedelta(days=2)).isoformat(),
            },
        )
        await self._call(
            "POST",
            f"{path}/tracking",
            carrier,
            {
                "status": "in_transit",
                "reported_at": now.isoformat(),
                "location": "Taoyuan hub",
                "eta": (now + timedelta(days=2)).isoformat(),
            },
        )
        if self.rng.random() < 0.1:
            await self._call(
                "POST",
                f"{path}/delay",
                carrier,
                {"reason": "typhoon warning", "new_eta": (now + timedelta(days=3)).isoformat()},
            )
        await self._call(
            "POST",
            f"{path}/delivered",
            carrier,
            {"delivered_at": now.isoformat(), "received_by": "front desk"},
        )

    async def _inspect(self, run: OrderRun, shipment: Any, buyer: Buyer) -> None:
        lines = []
        rejecting = run.scenario == "partial_acceptance"
        for line in shipment["lines"]:
            rejected = 1 if rejecting else 0
            rejecting = False
            lines.append(
                {
                    "line_no": line["line_no"],
                    "sku": line["sku"],
                    "accepted": line["quantity"] - rejected,
                    "rejected": rejected,
                    **({"reason": "carton crushed"} if rejected else {}),
                }
            )
        remedy = {"remedy": "refund"} if any(line["rejected"] for line in lines) else {}
        await self._call(
            "POST",
            f"/api/v1/shipments/{shipment['shipment_id']}/acceptance",
            f"buyer:{buyer.buyer_id}",
            {"lines": lines, **remedy},
        )
        if remedy:
            order = await self._await_order(run.order_id, "until_returns=1", "return authorisation")
            returns = await self._listed(
                f"/api/v1/returns?order_id={run.order_id}", order, "logistics"
            )
            for authorised in returns:
                await self._call(
                    "POST",
                    f"/api/v1/returns/{authorised['return_id']}/received",
                    f"warehouse:{authorised['warehouse_id']}",
                    {"lines": [{**line, "condition": "damaged"} for line in authorised["lines"]]},
                )

    async def _settle(self, run: OrderRun, buyer: Buyer, shipments: int) -> None:
        order = await self._await_order(run.order_id, f"until_invoices={shipments}", "invoicing")
        invoices = await self._listed(f"/api/v1/invoices?order_id={run.order_id}", order, "payment")
        for invoice in invoices:
            if invoice["status"] != "open":
                continue
            amount = invoice["open_amount"]["amount"]
            currency = invoice["open_amount"]["currency"]
            if self.rng.random() < 0.5:
                await self._call(
                    "POST",
                    f"/api/v1/invoices/{invoice['invoice_id']}/payments",
                    "bank:simulator",
                    {
                        "method": "bank_transfer",
                        "reference": f"BT-{uuid.uuid4().hex[:12]}",
                        "amount": _money(amount, currency),
                    },
                )
            else:
                await self._call(
                    "POST",
                    f"/api/v1/invoices/{invoice['invoice_id']}/charge",
                    f"buyer:{buyer.buyer_id}",
                    {"token": "tok_ok_visa"},
                )


async def log_in_parties(credentials: Credentials, world: DemoWorld) -> None:
    """Every buyer and supplier of the world, and the operations team, logged in (one at a
    time: the token endpoint is rate limited)."""
    buyers = (f"buyer:{buyer.buyer_id}" for buyer in world.buyers)
    suppliers = (f"supplier:{supplier.supplier_id}" for supplier in world.suppliers)
    for actor in (OPERATIONS, *buyers, *suppliers):
        await credentials.headers(actor)


async def simulate(
    client: httpx.AsyncClient,
    world: DemoWorld,
    orders: int,
    concurrency: int,
    *,
    credentials: Credentials,
    seed: int = 42,
    timeout: float = 60.0,
    progress: Callable[[int], None] = lambda done: None,
    scenarios: list[str] | None = None,
    ready: Callable[[], None] = lambda: None,
) -> Summary:
    """Run ``orders`` lifecycles, at most ``concurrency`` at once, and summarise them.

    The scenario of each order is drawn from the SCENARIOS mix, or taken from ``scenarios``.
    The parties log in first (a log-in belongs to a session, not to an order); ``ready`` is
    called when they have, as the clock starts.
    """
    await log_in_parties(credentials, world)
    ready()
    rng = random.Random(seed)
    names, weights = zip(*SCENARIOS.items(), strict=True)
    chosen = scenarios or [rng.choices(names, weights)[0] for _ in range(orders)]
    plans = [OrderRun(scenario=chosen[i % len(chosen)]) for i in range(orders)]
    gate = asyncio.Semaphore(concurrency)
    done = 0

    async def one(index: int, run: OrderRun) -> None:
        nonlocal done
        async with gate:
            rng = random.Random(seed * 1_000_003 + index)
            lifecycle = Lifecycle(client, credentials, world, rng, timeout)
            try:
                await lifecycle.run(run)
            except (SimulationError, httpx.HTTPError) as error:
                run.error = str(error)
                if run.order_id:
                    response = await _send(
                        client,
                        "GET",
                        f"/api/v1/orders/{run.order_id}",
                        headers=await credentials.headers(OPERATIONS),
                    )
                    if response.status_code == 200:
                        run.final_status = response.json()["status"]
        done += 1
        progress(done)

    started = time.monotonic()
    await asyncio.gather(*(one(i, run) for i, run in enumerate(plans)))
    return Summary(orders=orders, seconds=time.monotonic() - started, runs=plans)
