"""How the pages write money, times and event summaries, in each locale and the user's zone."""

from __future__ import annotations

from portal.i18n import activate
from portal.templating import label, money, sentence, timeline_line, when


def test_money_reads_an_api_amount_with_its_currency_in_the_locale() -> None:
    activate("en")
    assert money({"amount": "1234.5", "currency": "USD"}) == "$1,234.50"
    assert money("7", "EUR") == "€7.00"
    assert money(None) == "—"
    activate("zh_Hant")
    assert money({"amount": "1234.5", "currency": "USD"}) == "US$1,234.50"
    activate("zh_Hans")
    assert money({"amount": "1234.5", "currency": "TWD"}) == "NT$1,234.50"


def test_times_are_shown_in_the_users_zone_with_the_zone_named() -> None:
    activate("en", "Asia/Taipei")
    assert when("2026-11-27T09:07:22+00:00") == "Nov 27, 2026, 5:07\u202fPM GMT+08:00"
    assert when("2027-01-26") == "Jan 26, 2027"
    assert when("") == "—"
    activate("zh_Hant", "Asia/Taipei")
    assert when("2026-11-27T09:07:22+00:00") == "2026年11月27日 下午5:07 GMT+08:00"
    activate("zh_Hans", "UTC")
    assert when("2026-11-27T09:07:22+00:00") == "2026年11月27日 09:07 GMT+00:00"
    assert when("2026-11-27T09:07:22+00:00", with_time=False) == "2026年11月27日"


def test_codes_read_as_words_in_the_locale() -> None:
    activate("zh_Hant")
    assert label("awaiting_confirmation") == "待供應商確認"
    assert label("shipped") == "已出貨"
    activate("zh_Hans")
    assert label("shipped") == "已发货"
    activate("en")
    assert label("net_30") == "Net 30 days"
    assert label("some_new_status") == "Some new status"


def test_a_timeline_line_names_the_warehouse_and_formats_its_values() -> None:
    entry = {
        "template": "shipment planned from %(warehouse_party)s",
        "params": {"warehouse_party": ["Keelung DC"]},
    }
    activate("en")
    assert timeline_line(entry) == "Shipment planned from Keelung DC"
    activate("zh_Hant")
    assert timeline_line(entry) == "已安排由Keelung DC出貨"
    priced = {
        "template": "priced at %(total_money)s (%(tier_code)s tier)",
        "params": {"total_money": {"amount": "90.5", "currency": "USD"}, "tier_code": "gold"},
    }
    assert timeline_line(priced) == "計價 US$90.50（金級）"


def test_an_event_name_without_a_summary_reads_as_words() -> None:
    activate("en")
    assert sentence("OrderStockSecured") == "Order stock secured"
    assert sentence("priced at 3 USD") == "priced at 3 USD"
    assert timeline_line({"event": "X", "summary": "OrderStockSecured"}) == "Order stock secured"
