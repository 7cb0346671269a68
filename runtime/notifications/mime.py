"""The compat32 mail policy, minus its cost for the headers that need no folding; and the
mail's bytes composed under it.

Compat32 runs every header through ``email.header.Header`` to fold it, which is most of the
time it takes to turn a mail into bytes; a header of printable ASCII that fits on its line comes
out of that unchanged, so it is written as it is. Everything else is folded as before."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from email._policybase import Compat32
from typing import Any

_DEFAULT_LINE = 78  # what Header assumes when the policy names no length


class PlainHeadersAsIs(Compat32):
    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        limit = _DEFAULT_LINE if self.max_line_length is None else self.max_line_length
        if (
            isinstance(value, str)
            and value.isascii()
            and value.isprintable()
            and (limit == 0 or len(name) + 2 + len(value) <= limit)
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc, no-any-return]


POLICY = PlainHeadersAsIs()


def compose(headers: Sequence[tuple[str, Any]], text: str, html: str, boundary: str) -> bytes:
    """A multipart/alternative mail (text, then HTML, each UTF-8 in base64), byte for byte
    what ``MIMEMultipart`` with two ``MIMEText`` parts serialises to under ``POLICY``, without
    building and walking the message objects (most of the sender's time per mail).

    ``headers`` come after Content-Type and MIME-Version, in order; a value may be a str or an
    ``email.header.Header``, folded as the policy folds it. ``boundary`` must not occur in
    base64 (e.g. contain "_")."""
    fold = POLICY.fold_binary
    content_type = f'multipart/alternative; boundary="{boundary}"'
    out = [fold("Content-Type", content_type), fold("MIME-Version", "1.0")]
    out += [fold(name, value) for name, value in headers]
    delimiter = f"--{boundary}\n".encode("ascii")
    out += [b"\n", delimiter, _part("plain", text), b"\n", delimiter, _part("html", html)]
    out.append(f"\n--{boundary}--\n".encode("ascii"))
    return b"".join(out)


def _part(subtype: str, body: str) -> bytes:
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\nMIME-Version: 1.0\n'
        "Content-Transfer-Encoding: base64\n\n"
    ).encode("ascii") + base64.encodebytes(body.encode("utf-8"))
