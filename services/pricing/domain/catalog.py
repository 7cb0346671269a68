"""The product aggregate (stream ``product-<supplier id>-<sku>``): register, then change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from pydantic import ValidationError

from shared.events.base import Money
from shared.events.pricing import ProductRegistered, ProductUpdated
from shared.service.decider import Decider, DomainError

ProductEvent = ProductRegistered | ProductUpdated


class ProductAlreadyRegistered(DomainError):
    """This supplier already has a product with this SKU; update it instead."""

    field = "sku"


class InvalidProductChange(DomainError):
    """The changed facts break a product rule (e.g. cost and list price in two currencies)."""

    status = 422
    field = "cost_price"


class ProductNotFound(DomainError):
    """No such product in this supplier's catalog."""

    status = 404
    field = "sku"


@dataclass(frozen=True)
class RegisterProduct:
    supplier_id: UUID
    sku: str
    name: str
    category: str
    unit: str
    pack_size: int
    min_order_qty: int
    list_price: Money
    cost_price: Money | None = None
    names: dict[str, str] = field(default_factory=dict)
    """The name in other languages, by BCP 47 tag (``zh-Hant``, ``en``)."""


@dataclass(frozen=True)
class ChangeProduct:
    """Change some facts; ``None`` keeps a fact as it is (``clear_cost_price`` removes it)."""

    supplier_id: UUID
    sku: str
    name: str | None = None
    category: str | None = None
    unit: str | None = None
    pack_size: int | None = None
    min_order_qty: int | None = None
    list_price: Money | None = None
    cost_price: Money | None = None
    clear_cost_price: bool = False
    active: bool | None = None
    names: dict[str, str] | None = None


ProductCommand = RegisterProduct | ChangeProduct


@dataclass(frozen=True)
class Product:
    facts: ProductUpdated | None = None


def decide(command: ProductCommand, state: Product, now: datetime) -> list[ProductEvent]:
    match command:
        case RegisterProduct():
            if state.facts is not None:
                raise ProductAlreadyRegistered(f"{command.sku} is already in the catalog")
            return [ProductRegistered(**vars(command))]
        case ChangeProduct():
            if state.facts is None:
                raise ProductNotFound(f"no product {command.sku} in this supplier's catalog")
            changed = _changed(state.facts, command)
            return [] if changed == state.facts else [changed]


def _changed(facts: ProductUpdated, command: ChangeProduct) -> ProductUpdated:
    current = facts.model_dump()
    updates = {
        name: value
        for name, value in vars(command).items()
        if value is not None and name not in ("clear_cost_price", "supplier_id", "sku")
    }
    if command.clear_cost_price:
        updates["cost_price"] = None
    try:
        return ProductUpdated.model_validate({**current, **updates})
    except ValidationError as error:
        raise InvalidProductChange(error.errors()[0]["msg"]) from error


def evolve(state: Product, event: ProductEvent) -> Product:
    match event:
        case ProductRegistered():
            return Product(ProductUpdated(**event.model_dump(), active=True))
        case ProductUpdated():
            return Product(event)


product_decider: Decider[ProductCommand, Product, ProductEvent] = Decider(decide, evolve, Product)
