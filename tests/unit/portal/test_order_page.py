"""An open order page reloads itself only when something it shows has changed."""

from __future__ import annotations

from typing import Any

from portal.pages.orders import fingerprint

ORDER: dict[str, Any] = {"status": "invoiced", "version": 9, "timeline": [{}, {}]}
SHIPMENT = {"shipment_id": "s1", "stream_version": 7, "status": "accepted"}
INVOICE = {
    "invoice_id": "i1",
    "status": "open",
    "open_amount": {"amount": "10.00", "currency": "EUR"},
}


def test_nothing_new_keeps_the_same_fingerprint() -> None:
    assert fingerprint(ORDER, [SHIPMENT], [INVOICE]) == fingerprint(
        dict(ORDER), [dict(SHIPMENT)], [dict(INVOICE)]
    )


def test_a_settled_invoice_a_moved_shipment_or_a_new_event_changes_it() -> None:
    seen = fingerprint(ORDER, [SHIPMENT], [INVOICE])
    settled = {**INVOICE, "status": "settled", "open_amount": {"amount": "0", "currency": "EUR"}}
    assert fingerprint(ORDER, [SHIPMENT], [settled]) != seen
    assert fingerprint(ORDER, [{**SHIPMENT, "stream_version": 8}], [INVOICE]) != seen
    assert fingerprint({**ORDER, "timeline": [{}, {}, {}]}, [SHIPMENT], [INVOICE]) != seen
