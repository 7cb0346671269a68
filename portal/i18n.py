"""The portal's languages and formats: gettext catalogs (Babel) for zh-Hant, zh-Hans and English,
and dates, times, numbers and amounts in the user's locale and time zone.

The locale comes from the user's setting (the ``b2b_locale`` cookie the language switcher sets),
else the browser's Accept-Language; the time zone from ``b2b_tz`` (the browser reports its own),
else the locale's default. ``use(request)`` sets both for the request being served; templates and
page handlers then call ``_()`` / ``gettext`` and the format functions without passing them on.
Message catalogs live in ``portal/locale/<locale>/LC_MESSAGES/messages.po`` (``make translations``
extracts and updates them) and are read straight from the .po files, so nothing needs compiling.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta, get_timezone_gmt
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from fastapi.templating import Jinja2Templates
from starlette.requests import HTTPConnection

LOCALE_DIR = Path(__file__).parent / "locale"
LOCALE_COOKIE = "b2b_locale"
TZ_COOKIE = "b2b_tz"


@dataclass(frozen=True)
class Language:
    code: str
    """The catalog's directory name and Babel's identifier: ``zh_Hant``, ``zh_Hans``, ``en``."""
    tag: str
    """BCP 47, for ``<html lang>`` and the switcher: ``zh-Hant``, ``zh-Hans``, ``en``."""
    name: str
    """The language's own name, as the switcher shows it."""
    time_zone: str


LANGUAGES = (
    Language("zh_Hant", "zh-Hant", "繁體中文", "Asia/Taipei"),
    Language("zh_Hans", "zh-Hans", "简体中文", "Asia/Shanghai"),
    Language("en", "en", "English", "Asia/Taipei"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
BY_TAG = {language.tag.lower(): language for language in LANGUAGES}
DEFAULT = LANGUAGES[0]
"""The first users read Traditional Chinese; a browser that names no language gets it."""
ENGLISH = BY_CODE["en"]

# Chinese tags that name a script or a region rather than zh-Hant / zh-Hans.
_CHINESE = {"zh-tw": "zh_Hant", "zh-hk": "zh_Hant", "zh-mo": "zh_Hant"}
_CHINESE |= {"zh-cn": "zh_Hans", "zh-sg": "zh_Hans", "zh-my": "zh_Hans", "zh": "zh_Hans"}


@dataclass(frozen=True)
class UserLocale:
    language: Language
    time_zone: ZoneInfo

    @property
    def babel(self) -> Locale:
        return _babel_locale(self.language.code)


_current: contextvars.ContextVar[UserLocale | None] = contextvars.ContextVar(
    "portal_locale", default=None
)
_FALLBACK = UserLocale(DEFAULT, ZoneInfo(DEFAULT.time_zone))


def language_for_tag(tag: str) -> Language | None:
    """``zh-TW`` → zh-Hant, ``zh-Hans-CN`` → zh-Hans, ``en-GB`` → English, ``fr`` → None."""
    tag = tag.strip().lower().replace("_", "-")
    if not tag:
        return None
    for known, language in BY_TAG.items():
        if tag == known or tag.startswith(known + "-"):
            return language
    parts = tag.split("-")
    if parts[0] == "zh":
        code = _CHINESE.get("-".join(parts[:2])) or _CHINESE["zh"]
        return BY_CODE[code]
    return ENGLISH if parts[0] == "en" else None


def from_accept_language(header: str) -> Language | None:
    """The best language the header names, by its q-values (RFC 9110)."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, tag))
    for _quality, _index, tag in sorted(ranked):
        found = language_for_tag(tag)
        if found is not None:
            return found
    return None


def negotiate(connection: HTTPConnection) -> UserLocale:
    """The user's setting, else Accept-Language (English for a browser asking for neither
    Chinese nor English), else Traditional Chinese; the time zone likewise."""
    chosen = BY_CODE.get(connection.cookies.get(LOCALE_COOKIE, ""))
    if chosen is None:
        header = connection.headers.get("accept-language", "")
        chosen = from_accept_language(header) or (ENGLISH if header.strip() else DEFAULT)
    return UserLocale(chosen, _zone(connection.cookies.get(TZ_COOKIE, ""), chosen))


def _zone(name: str, language: Language) -> ZoneInfo:
    if name and len(name) <= 64:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(language.time_zone)


def use(connection: HTTPConnection) -> contextvars.Token[UserLocale | None]:
    """Serve this request in its user's locale (templates, handlers and formats see it); give
    the token back to ``restore`` when the request is done."""
    return _current.set(negotiate(connection))


def restore(token: contextvars.Token[UserLocale | None]) -> None:
    """The locale from before ``use``: the portal calls its own API in-process, in the same
    task, and that inner request must not leave its locale behind."""
    _current.reset(token)


def activate(code: str, time_zone: str | None = None) -> UserLocale:
    """Use a locale outside a request (tests, scripts): ``activate("zh_Hant", "Asia/Taipei")``."""
    language = BY_CODE[code]
    found = UserLocale(language, ZoneInfo(time_zone or language.time_zone))
    _current.set(found)
    return found


def current() -> UserLocale:
    """The locale of the request being served (Traditional Chinese outside a request)."""
    return _current.get() or _FALLBACK


# --- messages ---------------------------------------------------------------------------------


@cache
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def catalog(code: str) -> dict[str, str | tuple[str, ...]]:
    """The translated messages of one locale, from its .po file (fuzzy ones left out)."""
    path = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as source:
        po = read_po(source, locale=code)
    found: dict[str, str | tuple[str, ...]] = {}
    for message in po:
        if not message.id or message.fuzzy:
            continue
        key = str(message.id[0] if isinstance(message.id, tuple | list) else message.id)
        if isinstance(message.string, tuple | list):
            if all(message.string):
                found[key] = tuple(str(form) for form in message.string)
        elif message.string:
            found[key] = str(message.string)
    return found


def gettext(message: str, **variables: Any) -> str:
    """The message in the current locale (the source text when it has no translation), with
    ``%(name)s`` placeholders filled from ``variables``."""
    translated = catalog(current().language.code).get(message, message)
    text = translated if isinstance(translated, str) else translated[0]
    return text % variables if variables else text


def plural_form(singular: str, plural: str, n: int) -> str:
    """The translated singular or plural by ``n`` (Chinese has one form), unformatted."""
    translated = catalog(current().language.code).get(singular)
    if isinstance(translated, tuple):
        return translated[0] if len(translated) == 1 else translated[min(int(n != 1), 1)]
    return singular if n == 1 else plural


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    """Singular or plural by ``n``, formatted; ``%(num)s`` is ``n``."""
    return plural_form(singular, plural, n) % {"num": n, **variables}


def N_(message: str) -> str:
    """Mark ``message`` for extraction where it is defined; translate it with ``gettext`` later."""
    return message


_ = gettext


# --- formats ----------------------------------------------------------------------------------


def _parse_moment(value: Any) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    text = str(value)
    try:
        if len(text) == 10:  # a plain ISO date (a timestamp always has its time)
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def when(value: Any, with_time: bool = True) -> str:
    """A date, or a timestamp in the user's time zone with that zone named: ``2027年2月4日``,
    ``Feb 4, 2027, 9:07 PM GMT+08:00``. Timestamps without an offset are taken as UTC."""
    if not value:
        return "—"
    moment = _parse_moment(value)
    if moment is None:
        return str(value)
    locale = current()
    if not isinstance(moment, datetime):
        return format_date(moment, "medium", locale=locale.babel)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    local = moment.astimezone(locale.time_zone)
    day = format_date(local, "medium", locale=locale.babel)
    if not with_time:
        return day
    time = format_time(local, "short", locale=locale.babel)
    pattern = str(locale.babel.datetime_formats["medium"])
    zone = get_timezone_gmt(local, width="long", locale=locale.babel)
    return f"{pattern.replace('{1}', day).replace('{0}', time)} {zone}"


def iso(value: Any) -> str:
    """The machine-readable form for ``<time datetime>``."""
    moment = _parse_moment(value)
    return moment.isoformat() if moment is not None else ""


def money(value: Any, currency: str | None = None) -> str:
    """``{"amount": "12.5", "currency": "USD"}`` or a number → ``US$12.50`` / ``$12.50``."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        currency = value.get("currency", currency)
        value = value.get("amount")
    return _money_text(current().language.code, str(value), currency or None)


def number(value: Any, digits: int | None = None) -> str:
    """A count or quantity with the locale's grouping; ``digits`` fixes the decimals."""
    if value is None or value == "":
        return "—"
    return _number_text(current().language.code, str(value), digits)


# Babel formats a number in tens of microseconds; a page or a mail shows the same prices and
# quantities over and over, and the text of one (locale, value) never changes.
@lru_cache(maxsize=8192)
def _money_text(code: str, value: str, currency: str | None) -> str:
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        return value
    if not currency:
        return format_decimal(amount, format="#,##0.00", locale=_babel_locale(code))
    return format_currency(amount, currency, locale=_babel_locale(code))


@lru_cache(maxsize=8192)
def _number_text(code: str, value: str, digits: int | None) -> str:
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        return value
    pattern = "#,##0" + ("." + "0" * digits if digits else "") if digits is not None else None
    return format_decimal(amount, format=pattern, locale=_babel_locale(code))


def percent(value: Any, digits: int = 0) -> str:
    """A ratio (0.953) as ``95%``."""
    if value is None or value == "":
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(Decimal(str(value)), format=pattern, locale=current().babel)


def duration(minutes: Any) -> str:
    """``75`` (minutes) as ``1 hour`` / ``1 小時``."""
    try:
        span = timedelta(minutes=float(minutes))
    except (TypeError, ValueError):
        return str(minutes)
    return format_timedelta(span, locale=current().babel)


def install_gettext(templates: Jinja2Templates) -> Jinja2Templates:
    """Give a template environment ``{% trans %}``, ``_()`` and ``ngettext`` in the current
    locale, and the switcher's data (``LANGUAGES``, ``locale()``)."""
    env = templates.env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: gettext(message), plural_form, newstyle=True
    )
    env.globals.update(LANGUAGES=LANGUAGES, locale=current)
    return templates
