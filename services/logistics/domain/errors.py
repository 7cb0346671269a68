"""Broken logistics rules, named as sentences; the API maps them to problem+json."""

from __future__ import annotations

from shared.service.decider import DomainError


class CarrierAlreadyRegistered(DomainError):
    """A carrier with this id exists."""


class DeliveryAddressAlreadyRegistered(DomainError):
    """An address with this id exists."""


class UnknownShipment(DomainError):
    """No such shipment, or not the asking party's: both answer alike (404)."""

    status = 404
    field = "shipment_id"


class UnknownReturn(DomainError):
    """No such return, or not the asking warehouse's: both answer alike (404)."""

    status = 404
    field = "return_id"


class ShipmentWasCancelled(DomainError):
    """Cancelled shipments never leave the warehouse."""


class AwaitingPrepayment(DomainError):
    """A prepaid order's goods leave the warehouse only once its invoice is paid."""

    field = "shipment_id"


class ShipmentAlreadyShipped(DomainError):
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
