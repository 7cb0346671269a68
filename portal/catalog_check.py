"""Check the message catalogs against the messages the portal uses (``make translations`` runs
it; tests/unit/portal/test_catalogs.py too): every message extracted from the templates and the
code is in every catalog, translated in the Chinese ones, with the same ``%(name)s`` placeholders.
Prints what is missing and exits non-zero."""

from __future__ import annotations

import re
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "portal" / "locale"
TRANSLATED = ("zh_Hant", "zh_Hans")
"""Catalogs that must translate every message; English falls back to the source text."""
ALL = (*TRANSLATED, "en")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def used_messages() -> dict[str, str]:
    """Every message the portal uses, extracted as ``make translations`` does (babel.cfg)."""
    found: dict[str, str] = {}
    method_map = [
        ("portal/**.py", "python"),
        ("services/order/views/timeline.py", "python"),
        ("portal/templates/**.html", "jinja2"),
        ("runtime/notifications/**.py", "python"),
        ("runtime/notifications/templates/**", "jinja2"),
    ]
    jinja = {"extensions": "jinja2.ext.i18n"}
    options = {"portal/templates/**.html": jinja, "runtime/notifications/templates/**": jinja}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    for filename, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options, keywords=keywords
    ):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found.setdefault(key, filename)
    return found


def catalog(code: str) -> Catalog:
    path = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    return read_po(BytesIO(path.read_bytes()), locale=code)


def problems() -> list[str]:
    used = used_messages()
    found: list[str] = []
    for code in ALL:
        po = catalog(code)
        for message, where in sorted(used.items()):
            entry = po.get(message)
            if entry is None:
                found.append(f"{code}: missing {message!r} (used in {where})")
                continue
            if code not in TRANSLATED:
                continue
            strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
            if entry.fuzzy or not all(strings):
                found.append(f"{code}: not translated {message!r} (used in {where})")
                continue
            for text in strings:
                if set(PLACEHOLDER.findall(str(text))) != set(PLACEHOLDER.findall(message)):
                    found.append(f"{code}: placeholders differ in {message!r}: {text!r}")
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} catalog problem(s): translate them in portal/locale", file=sys.stderr)
        return 1
    print("catalogs: every message translated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
