"""Deterministic ids: one shipment per order and warehouse, one return per inspected shipment."""

from __future__ import annotations

from uuid import UUID, uuid5

_NAMESPACE = UUID("5d7f3a52-6a8e-4c1e-9d1b-3f0c2a9e7b41")
"""Fixed for ever: a changed namespace would plan a second shipment for the same allocation."""


def shipment_id_for(order_id: UUID, warehouse_id: UUID) -> UUID:
    return uuid5(_NAMESPACE, f"shipment:{order_id}:{warehouse_id}")


def replacement_shipment_id(original_shipment_id: UUID) -> UUID:
    return uuid5(_NAMESPACE, f"replacement:{original_shipment_id}")


def return_id_for(shipment_id: UUID) -> UUID:
    return uuid5(_NAMESPACE, f"return:{shipment_id}")
