"""Demo log-ins (development only, documented in the README): a user per buyer and supplier,
``ops`` and ``analyst``, and an API key per warehouse, carrier and the bank."""

from __future__ import annotations

from dataclasses import dataclass

from runtime.demo_data import Buyer, Carrier, DemoWorld, Warehouse
from shared.service.auth.actor import Actor
from shared.service.auth.identity import KEY_PREFIX, IdentityStore

DEMO_PASSWORD = "demo-password"
APPROVERS = ("approver-01", "approver-02")
"""The two approvers of the demo company whose orders need approval (``approval_buyer``)."""
DEMO_KEY_SECRET = "demo-key-secret"
BANK_PARTY = "demo-bank"


@dataclass(frozen=True)
class DemoUser:
    username: str
    actor: Actor


@dataclass(frozen=True)
class DemoKey:
    key_id: str
    actor: Actor

    @property
    def api_key(self) -> str:
        return f"{KEY_PREFIX}_{self.key_id}_{DEMO_KEY_SECRET}"


def approval_buyer(world: DemoWorld) -> Buyer:
    """The demo company with spending rules: its purchaser is its ``buyer-NN`` user, its
    approvers ``APPROVERS`` (the one but last buyer: the simulator's held path has the last)."""
    return world.buyers[-2] if len(world.buyers) > 2 else world.buyers[0]


def demo_users(world: DemoWorld) -> list[DemoUser]:
    """One user per party (the first user of a buyer places its orders), then the approvers of
    ``approval_buyer``."""
    users = [
        DemoUser("ops", Actor("operations", "demo-ops")),
        DemoUser("analyst", Actor("analyst", "demo-analyst")),
    ]
    users += [
        DemoUser(f"buyer-{i:02d}", Actor("buyer", str(b.buyer_id)))
        for i, b in enumerate(world.buyers, 1)
    ]
    users += [
        DemoUser(f"supplier-{i:02d}", Actor("supplier", str(s.supplier_id)))
        for i, s in enumerate(world.suppliers, 1)
    ]
    company = Actor("buyer", str(approval_buyer(world).buyer_id))
    return users + [DemoUser(name, company) for name in APPROVERS]


def listed_warehouses(world: DemoWorld) -> list[Warehouse]:
    """Warehouses in the order GET /api/v1/warehouses lists them (fastest first, then by name)."""
    found = [w for s in world.suppliers for w in s.warehouses]
    return sorted(found, key=lambda w: (w.speed_rank, w.name))


def listed_carriers(world: DemoWorld) -> list[Carrier]:
    """Carriers in the order GET /api/v1/carriers lists them (by code)."""
    return sorted(world.carriers, key=lambda c: c.code)


def demo_keys(world: DemoWorld) -> list[DemoKey]:
    """API keys numbered as the API lists their parties: demo-carrier-01 is the first carrier."""
    keys = [
        DemoKey(f"demo-warehouse-{i:02d}", Actor("warehouse", str(w.warehouse_id)))
        for i, w in enumerate(listed_warehouses(world), 1)
    ]
    keys += [
        DemoKey(f"demo-carrier-{i:02d}", Actor("carrier", str(c.carrier_id)))
        for i, c in enumerate(listed_carriers(world), 1)
    ]
    return [*keys, DemoKey("demo-bank", Actor("bank", BANK_PARTY))]


def demo_login_summary(world: DemoWorld) -> list[str]:
    """What `make run` prints once ready: the demo log-ins a newcomer tries first."""
    first_buyer, supplier_1, supplier_2 = world.buyers[0], *world.suppliers[:2]
    approving = approval_buyer(world)
    purchaser = f"buyer-{world.buyers.index(approving) + 1:02d}"
    return [
        f"demo log-ins (development only), password {DEMO_PASSWORD}:",
        f"buyer-01     {first_buyer.name} ({first_buyer.tier} tier); buyer-02 … "
        f"buyer-{len(world.buyers):02d} likewise",
        f"supplier-01  {supplier_1.name} (confirms by hand)",
        f"supplier-02  {supplier_2.name} (auto-confirms)",
        f"{purchaser:<12} {approving.name}: larger orders wait for approver-01 or approver-02",
        "ops          operations;  analyst  reports",
    ]


def demo_logins(world: DemoWorld) -> list[tuple[str, str, str]]:
    """(username, role, company) of the log-ins the log-in page offers in development."""
    buyer, supplier_1, supplier_2 = world.buyers[0], *world.suppliers[:2]
    return [
        ("buyer-01", "buyer", buyer.name),
        (APPROVERS[0], "buyer", approval_buyer(world).name),
        ("supplier-01", "supplier", supplier_1.name),
        ("supplier-02", "supplier", supplier_2.name),
        ("ops", "operations", ""),
        ("analyst", "analyst", ""),
    ]


async def seed_demo_accounts(identity: IdentityStore, world: DemoWorld) -> None:
    """Create the demo users and keys (idempotent; call only in development)."""
    for user in demo_users(world):
        if not await identity.has_user(user.username):
            await identity.set_user(user.username, DEMO_PASSWORD, user.actor)
    for key in demo_keys(world):
        if await identity.partner(key.key_id) is None:
            await identity.issue_key(
                key.actor, f"demo {key.key_id}", key_id=key.key_id, secret=DEMO_KEY_SECRET
            )
