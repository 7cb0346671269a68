"""Broken pricing rules, named as sentences; the edge maps them to 404/409/422 problems."""

from __future__ import annotations

from shared.service.decider import DomainError


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


class AlreadyExists(DomainError):
    """Something with this identity already exists (e.g. a coupon code of the supplier)."""


class CouponCodeTaken(AlreadyExists):
    field = "code"
