"""The buyer's cart, kept in a signed cookie: per supplier, SKU quantities and the key that
makes placing that supplier's order idempotent (a double click places one order, not two).

The cookie is signed with the app's secret (itsdangerous, HMAC-SHA1 over a key derived for
this purpose alone), so a buyer cannot hand the portal a cart it did not make."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

from shared.service.auth.dependencies import security_of

COOKIE = "b2b_portal_cart"
MAX_LINES = 60
SALT = "b2b.portal.cart"


def signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


@dataclass
class CartGroup:
    supplier_id: str
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Cart:
    groups: dict[str, CartGroup] = field(default_factory=dict)
    signer: URLSafeSerializer | None = field(default=None, repr=False, compare=False)

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
        """The signed cookie value (the cart must have been loaded with a signer)."""
        if self.signer is None:
            raise ValueError("a cart is written only with a signer (Cart.load(raw, signer))")
        data = {s: {"key": g.key, "lines": g.lines} for s, g in self.groups.items()}
        return str(self.signer.dumps(data))

    @classmethod
    def load(cls, raw: str | None, signer: URLSafeSerializer) -> Cart:
        """A cart from its cookie; anything unreadable or not signed by us is an empty cart,
        never an error page."""
        cart = cls(signer=signer)
        if not raw:
            return cart
        try:
            data: Any = signer.loads(raw)
            for supplier_id, group in data.items():
                lines = {str(s): int(q) for s, q in group["lines"].items() if int(q) > 0}
                if lines:
                    cart.groups[str(uuid.UUID(supplier_id))] = CartGroup(
                        str(uuid.UUID(supplier_id)), str(group["key"]), lines
                    )
        except (BadSignature, ValueError, KeyError, TypeError, AttributeError):
            return cls(signer=signer)
        return cart


def cart_of(request: Request) -> Cart:
    return Cart.load(request.cookies.get(COOKIE), signer(security_of(request).tokens.secret))


def save(response: Response, cart: Cart) -> None:
    response.set_cookie(COOKIE, cart.dump(), httponly=True, samesite="lax", path="/")
