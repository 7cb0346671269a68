"""The cart cookie: per-supplier groups, a fresh idempotency key on every change, and a
tampered or foreign cookie read as an empty cart rather than an error page."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from portal.cart import MAX_LINES, Cart, signer

SUPPLIER = str(uuid.uuid4())
SIGNER = signer("test-secret-key-that-is-long-enough-0123456789")


def test_adds_up_quantities_of_the_same_sku_per_supplier() -> None:
    cart = Cart()
    cart.add(SUPPLIER, "HIS-0001", 2)
    cart.add(SUPPLIER, "HIS-0001", 3)
    other = str(uuid.uuid4())
    cart.add(other, "JMF-0001", 6)
    assert cart.groups[SUPPLIER].lines == {"HIS-0001": 5}
    assert cart.count == 2


def test_every_change_gets_a_new_order_key_so_a_changed_cart_is_a_new_order() -> None:
    cart = Cart()
    cart.add(SUPPLIER, "HIS-0001", 2)
    before = cart.groups[SUPPLIER].key
    cart.set(SUPPLIER, "HIS-0001", 4)
    assert cart.groups[SUPPLIER].key != before


def test_setting_zero_removes_the_line_and_an_empty_group() -> None:
    cart = Cart()
    cart.add(SUPPLIER, "HIS-0001", 2)
    cart.set(SUPPLIER, "HIS-0001", 0)
    assert cart.groups == {}


def test_round_trips_through_its_cookie() -> None:
    cart = Cart.load(None, SIGNER)
    cart.add(SUPPLIER, "HIS-0001", 2)
    loaded = Cart.load(cart.dump(), SIGNER)
    assert loaded.groups[SUPPLIER].lines == {"HIS-0001": 2}
    assert loaded.groups[SUPPLIER].key == cart.groups[SUPPLIER].key


@pytest.mark.parametrize("raw", ["", "not-base64!", "eyJ4IjogMX0=", "W10="])
def test_an_unreadable_cookie_is_an_empty_cart(raw: str) -> None:
    assert Cart.load(raw, SIGNER).groups == {}


def test_a_tampered_or_unsigned_cookie_is_an_empty_cart() -> None:
    cart = Cart.load(None, SIGNER)
    cart.add(SUPPLIER, "HIS-0001", 2)
    payload, _, signature = cart.dump().rpartition(".")
    data = {SUPPLIER: {"key": str(uuid.uuid4()), "lines": {"HIS-0001": 2000}}}
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    assert Cart.load(f"{forged}.{signature}", SIGNER).groups == {}
    assert Cart.load(forged, SIGNER).groups == {}  # the old, unsigned form
    other = signer("another-secret-key-that-is-long-enough-012345")
    assert Cart.load(cart.dump(), other).groups == {}
    assert Cart.load(f"{payload}.{signature}", SIGNER).groups[SUPPLIER].lines == {"HIS-0001": 2}


def test_a_cart_is_written_only_with_a_signer() -> None:
    with pytest.raises(ValueError, match="signer"):
        Cart().dump()


def test_refuses_more_lines_than_a_cookie_can_hold() -> None:
    cart = Cart()
    for n in range(MAX_LINES):
        cart.add(SUPPLIER, f"SKU-{n}", 1)
    with pytest.raises(ValueError, match="at most"):
        cart.add(SUPPLIER, "ONE-MORE", 1)
