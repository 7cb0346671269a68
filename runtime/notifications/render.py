"""Mail in the recipient's language: Jinja2 templates (HTML and text) with the portal's Babel
catalogs and formats (portal/locale; ``make translations`` extracts these templates too)."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from portal import i18n
from runtime.notifications.kinds import BY_NAME
from shared.events.ids import short_id

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str
    language: str
    """BCP 47 tag of the language it is written in."""


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates ship with the code: no stat of each file per mail
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.gettext(message), i18n.plural_form, newstyle=True
    )
    env.filters.update(money=i18n.money, when=i18n.when, number=i18n.number)
    return env


_ENV = _environment()


def short(identifier: str) -> str:
    """An id as the portal shows it (``shared.events.ids.short_id``), in capitals: ``1F3A9C02``."""
    return short_id(identifier).upper()


def language_of(tag: str | None) -> i18n.Language:
    """The party's language when the catalogs have it, else Traditional Chinese."""
    return (i18n.language_for_tag(tag) if tag else None) or i18n.DEFAULT


def render(kind: str, role: str, tag: str | None, values: dict[str, Any]) -> Mail:
    """The mail of ``kind`` for ``role`` in the language ``tag`` names."""
    language = language_of(tag)
    return contextvars.copy_context().run(_render, kind, role, language, values)


def _render(kind: str, role: str, language: i18n.Language, values: dict[str, Any]) -> Mail:
    i18n.activate(language.code)  # in this copied context only
    context = {"role": role, "lang": language.tag, **values}
    subject = i18n.gettext(BY_NAME[kind].subject, **_placeholders(values))
    text = _ENV.get_template(f"{kind}.txt").render(context)
    html = _ENV.get_template(f"{kind}.html").render({**context, "subject": subject})
    return Mail(subject=subject, text=text.strip() + "\n", html=html, language=language.tag)


SUBJECT_PLACEHOLDERS = ("order", "invoice", "rfq", "buyer")


def _placeholders(values: dict[str, Any]) -> dict[str, Any]:
    """What a subject may name: the order or RFQ (short ids), the invoice, the buyer."""
    return {name: values[name] for name in SUBJECT_PLACEHOLDERS if name in values}
