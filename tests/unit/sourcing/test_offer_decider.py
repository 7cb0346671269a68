"""An offered quote: a supplier offers it on its own; the buyer accepts it into an order within
its validity, or declines it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from uuid import UUID

from services.sourcing.domain.commands import AcceptQuote, DeclineQuote, OfferQuote
from services.sourcing.domain.decide import offer_decider
from services.sourcing.domain.errors import (
    InvalidQuote,
    ProductNoLongerSold,
    QuoteAlreadyOffered,
    QuoteClosed,
    QuoteExpired,
)
from services.sourcing.domain.offer import accepted_order_id
from shared.events.sourcing import AwardedLine, QuoteAccepted, QuoteDeclined, QuoteOffered
from shared.service.testing import DEFAULT_NOW, Scenario
from tests.unit.sourcing.builders import BUYER, CATALOG, HARBOR, VALID, quoted

QUOTE = UUID("00000000-0000-7000-8000-00000000d001")
LINES = (quoted(1, "GLOVE-M", 240, "3.20", 2),)


def offers() -> Scenario:  # type: ignore[type-arg]
    return Scenario(offer_decider)


def offer(**changes: object) -> OfferQuote:
    fields: dict[str, object] = {
        "quote_id": QUOTE,
        "supplier_id": HARBOR,
        "buyer_id": BUYER,
        "title": "Gloves, yearly deal",
        "lines": LINES,
        "valid_until": VALID,
        "catalog": CATALOG,
        "buyer_known": True,
    }
    return OfferQuote(**{**fields, **changes})  # type: ignore[arg-type]


OFFERED = QuoteOffered(
    quote_id=QUOTE,
    supplier_id=HARBOR,
    buyer_id=BUYER,
    title="Gloves, yearly deal",
    lines=LINES,
    valid_until=VALID,
)
ACCEPT = AcceptQuote(delivery_region="north", catalog=CATALOG)


def test_a_supplier_offers_a_quote_to_one_buyer() -> None:
    offers().when(offer()).then(OFFERED)
    offers().given(OFFERED).when(offer()).then_raises(QuoteAlreadyOffered)


def test_an_offer_to_an_unknown_buyer_or_against_the_catalog_is_refused() -> None:
    assert offers().when(offer(buyer_known=False)).then_raises(InvalidQuote).field == "buyer_id"
    odd = (quoted(1, "GLOVE-M", 25, "3.20"),)
    assert offers().when(offer(lines=odd)).then_raises(InvalidQuote).field == "lines[0].quantity"


def test_the_buyer_accepts_it_into_an_order_at_the_quoted_price() -> None:
    offers().given(OFFERED).when(ACCEPT).then(
        QuoteAccepted(
            quote_id=QUOTE,
            supplier_id=HARBOR,
            buyer_id=BUYER,
            order_id=accepted_order_id(QUOTE),
            title="Gloves, yearly deal",
            lines=(
                AwardedLine(**LINES[0].model_dump(), list_unit_price=CATALOG["GLOVE-M"].list_price),
            ),
            delivery_region="north",
        )
    )


def test_an_expired_quote_cannot_be_accepted_but_can_be_declined() -> None:
    late = offers().given(OFFERED).at(VALID + timedelta(seconds=1))
    assert late.when(ACCEPT).then_raises(QuoteExpired).field == "valid_until"
    offers().given(OFFERED).at(VALID).when(DeclineQuote("too late")).then(
        QuoteDeclined(quote_id=QUOTE, reason="too late")
    )


def test_a_quote_is_accepted_or_declined_once() -> None:
    accepted = offers().given(OFFERED).when(ACCEPT).then_events()
    offers().given(OFFERED, *accepted).when(ACCEPT).then_raises(QuoteClosed)
    offers().given(OFFERED, *accepted).when(DeclineQuote()).then_raises(QuoteClosed)


def test_a_product_withdrawn_since_the_offer_cannot_be_ordered() -> None:
    gone = {"GLOVE-M": replace(CATALOG["GLOVE-M"], active=False)}
    accept = AcceptQuote(delivery_region="north", catalog=gone)
    offers().given(OFFERED).at(DEFAULT_NOW).when(accept).then_raises(ProductNoLongerSold)
