"""Broken logistics rules, named as sentences; the API maps them to problem+json."""

from __future__ import annotations

from shared.service.decider import DomainError


class CarrierAlreadyRegistered(DomainError):
    """A carrier with this id exists."""


class DeliveryAddressAlreadyRegistered(DomainError):
    """An address with this id exists."""


class UnknownShipment(DomainError):
    status = 404


class UnknownReturn(DomainError):
    status = 404


class ShipmentBelongsToAnotherWarehouse(DomainError):
    status = 403


class ShipmentOfAnotherSupplier(DomainError):
    """A supplier ships only its own orders."""

    status = 403


class ShipmentCarriedByAnotherCarrier(DomainError):
    status = 403


class ShipmentBelongsToAnotherBuyer(DomainError):
    status = 403


class ReturnBelongsToAnotherWarehouse(DomainError):
    status = 403


class ShipmentWasCancelled(DomainError):
    """Cancelled shipments never leave the warehouse."""


class ShipmentAlreadyShipped(DomainError):
    pass


class ShipmentNotShipped(DomainError):
    pass


class ShipmentAlreadyDelivered(DomainError):
    pass


class ShipmentNotDelivered(DomainError):
    pass


class GoodsAlreadyInspected(DomainError):
    pass


class ReturnAlreadyReceived(DomainError):
    pass


class InvalidLines(DomainError):
    """Lines that do not match the shipment (or return); ``field`` names the offending one."""

    status = 422

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class RemedyRequired(DomainError):
    status = 422
    field = "remedy"
