"""Languages: which one a request gets, and that every message the portal shows is translated."""

from __future__ import annotations

import pytest
from starlette.requests import HTTPConnection

from portal import catalog_check
from portal.i18n import (
    activate,
    from_accept_language,
    gettext,
    money,
    negotiate,
    ngettext,
    number,
)


def connection(accept: str = "", cookies: str = "") -> HTTPConnection:
    headers = [(b"accept-language", accept.encode())] if accept else []
    if cookies:
        headers.append((b"cookie", cookies.encode()))
    return HTTPConnection({"type": "http", "headers": headers})


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-TW,zh;q=0.9,en;q=0.8", "zh_Hant"),
        ("zh-HK", "zh_Hant"),
        ("zh-Hant-TW", "zh_Hant"),
        ("zh-CN,zh;q=0.9", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,zh-TW;q=0.5", "zh_Hant"),
        ("en;q=0.3,zh-TW;q=0.8", "zh_Hant"),
    ],
)
def test_accept_language_picks_the_best_supported_language(header: str, expected: str) -> None:
    found = from_accept_language(header)
    assert found is not None
    assert found.code == expected


def test_the_users_setting_wins_over_the_browser_and_fallbacks_are_sensible() -> None:
    assert negotiate(connection("en-US", "b2b_locale=zh_Hans")).language.code == "zh_Hans"
    assert negotiate(connection("fr-FR")).language.code == "en"  # no Chinese, no English asked
    assert negotiate(connection()).language.code == "zh_Hant"  # the first users read Chinese
    zoned = negotiate(connection("en", "b2b_tz=Europe/Berlin"))
    assert zoned.time_zone.key == "Europe/Berlin"
    assert negotiate(connection("en", "b2b_tz=Not/AZone")).time_zone.key == "Asia/Taipei"


def test_messages_and_plurals_are_translated() -> None:
    activate("zh_Hant")
    assert gettext("Place order") == "送出訂單"
    assert ngettext("%(num)s line", "%(num)s lines", 3) == "3 個品項"
    activate("zh_Hans")
    assert gettext("Place order") == "提交订单"
    activate("en")
    assert gettext("Place order") == "Place order"
    assert ngettext("%(num)s line", "%(num)s lines", 1) == "1 line"
    assert ngettext("%(num)s line", "%(num)s lines", 2) == "2 lines"


def test_every_message_in_the_templates_and_code_is_in_every_catalog() -> None:
    """Fails when a template gains a string `make translations` has not put in the catalogs,
    or a Chinese catalog leaves one untranslated."""
    assert catalog_check.problems() == []


def test_the_check_notices_a_message_missing_from_the_catalogs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    used = catalog_check.used_messages()
    monkeypatch.setattr(
        catalog_check, "used_messages", lambda: {**used, "A brand new label": "x.html"}
    )
    found = catalog_check.problems()
    assert "zh_Hant: missing 'A brand new label' (used in x.html)" in found
    assert any(line.startswith("en: missing 'A brand new label'") for line in found)


def test_amounts_and_quantities_are_formatted_in_the_active_locale_each_time() -> None:
    # The formatted text is cached by locale and value: a second language must not get the first's.
    activate("en")
    assert money({"amount": "1234.5", "currency": "TWD"}) == "NT$1,234.50"
    assert number("12000") == "12,000"
    activate("zh_Hant")
    assert money({"amount": "1234.5", "currency": "TWD"}) == "$1,234.50"
    assert money("oops") == "oops"
    assert number("1.5", 2) == "1.50"
    activate("en")
    assert money({"amount": "1234.5", "currency": "TWD"}) == "NT$1,234.50"
    assert money(12, "USD") == "$12.00"
    assert money(None) == "—"
