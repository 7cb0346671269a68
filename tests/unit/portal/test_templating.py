"""How the pages write money, times and event summaries."""

from __future__ import annotations

from portal.templating import money, sentence, when


def test_money_reads_an_api_amount_with_its_currency() -> None:
    assert money({"amount": "1234.5", "currency": "USD"}) == "USD 1,234.50"
    assert money("7", "EUR") == "EUR 7.00"
    assert money(None) == "—"


def test_times_read_as_day_month_year() -> None:
    assert when("2026-11-27T09:07:22+00:00") == "27 Nov 2026 09:07"
    assert when("2027-01-26") == "26 Jan 2027"
    assert when("") == "—"


def test_an_event_name_without_a_summary_reads_as_words() -> None:
    assert sentence("OrderStockSecured") == "Order stock secured"
    assert sentence("priced at 3 USD") == "priced at 3 USD"
