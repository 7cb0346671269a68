"""The buyer's cart, kept in a cookie: per supplier, SKU quantities and the key that makes
placing that supplier's order idempotent (a double click places one order, not two)."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response

COOKIE = "b2b_portal_cart"
MAX_LINES = 60


@dataclass
class CartGroup:
    supplier_id: str
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Cart:
    groups: dict[str, CartGroup] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(group.lines) for group in self.groups.values())

    def add(self, supplier_id: str, sku: str, quantity: int) -> None:
        group = self.groups.setdefault(supplier_id, CartGroup(supplier_id))
        if sku not in group.lines and self.count >= MAX_LINES:
            raise ValueError(f"a cart holds at most {MAX_LINES} lines; place an order first")
        group.lines[sku] = group.lines.get(sku, 0) + quantity
        group.key = str(uuid.uuid4())

    def set(self, supplier_id: str, sku: str, quantity: int) -> None:
        group = self.groups.get(supplier_id)
        if group is None:
            return
        if quantity <= 0:
            group.lines.pop(sku, None)
        else:
            group.lines[sku] = quantity
        group.key = str(uuid.uuid4())
        if not group.lines:
            del self.groups[supplier_id]

    def clear(self, supplier_id: str) -> None:
        self.groups.pop(supplier_id, None)

    def dump(self) -> str:
        data = {s: {"key": g.key, "lines": g.lines} for s, g in self.groups.items()}
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()

    @classmethod
    def load(cls, raw: str | None) -> Cart:
        """A cart from its cookie; anything unreadable is an empty cart, never an error page."""
        cart = cls()
        if not raw:
            return cart
        try:
            data: Any = json.loads(base64.urlsafe_b64decode(raw.encode()))
            for supplier_id, group in data.items():
                lines = {str(s): int(q) for s, q in group["lines"].items() if int(q) > 0}
                if lines:
                    cart.groups[str(uuid.UUID(supplier_id))] = CartGroup(
                        str(uuid.UUID(supplier_id)), str(group["key"]), lines
                    )
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()
        return cart


def cart_of(request: Request) -> Cart:
    return Cart.load(request.cookies.get(COOKIE))


def save(response: Response, cart: Cart) -> None:
    response.set_cookie(COOKIE, cart.dump(), httponly=True, samesite="lax", path="/")
