"""What every quoted line must respect: the supplier's catalog (a SKU it sells, whole packs, at
least its minimum) and one currency, the one the SKU is sold in."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from shared.events.base import MAX_AMOUNT
from shared.events.sourcing import QuotedLine, value_of

from .commands import Catalog
from .errors import InvalidQuote


def check_quoted_lines(
    lines: Sequence[QuotedLine],
    catalog: Catalog,
    currency: str | None = None,
    extra: Decimal = Decimal(0),
) -> None:
    """Raise InvalidQuote naming the first field that breaks a rule (``lines[2].quantity``);
    ``extra`` is what the quote adds to its lines' value (delivery)."""
    if value_of(lines) + extra >= MAX_AMOUNT:
        raise InvalidQuote("lines", f"a quote must be worth less than {MAX_AMOUNT}")
    currency = currency or (lines[0].unit_price.currency if lines else None)
    numbers: set[int] = set()
    for index, line in enumerate(lines):
        at = f"lines[{index}]"
        if line.line_no in numbers:
            raise InvalidQuote(f"{at}.line_no", f"line {line.line_no} is quoted twice")
        numbers.add(line.line_no)
        product = catalog.get(line.sku)
        if product is None:
            raise InvalidQuote(f"{at}.sku", f"no product {line.sku} in your catalog")
        if not product.active:
            raise InvalidQuote(f"{at}.sku", f"{line.sku} is no longer sold")
        if line.quantity < product.min_order_qty:
            detail = f"at least the minimum order quantity {product.min_order_qty}"
            raise InvalidQuote(f"{at}.quantity", detail)
        if line.quantity % product.pack_size:
            detail = f"a multiple of the pack size {product.pack_size}"
            raise InvalidQuote(f"{at}.quantity", detail)
        if line.unit_price.currency != currency:
            raise InvalidQuote(f"{at}.unit_price.currency", f"quote in {currency}")
        if product.list_price.currency != currency:
            detail = f"{line.sku} is sold in {product.list_price.currency}, not {currency}"
            raise InvalidQuote(f"{at}.unit_price.currency", detail)
