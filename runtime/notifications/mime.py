"""The compat32 mail policy, minus its cost for the headers that need no folding.

Compat32 runs every header through ``email.header.Header`` to fold it, which is most of the
time it takes to turn a mail into bytes; a header of printable ASCII that fits on its line comes
out of that unchanged, so it is written as it is. Everything else is folded as before."""

from __future__ import annotations

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
