"""Where mail goes: an SMTP server (aiosmtplib), or a directory of .eml files that a person can
open (``make run`` writes to ``$DATA_DIR/mail`` unless an SMTP server is configured)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import aiosmtplib


class Undeliverable(Exception):
    """The transport did not take the mail; the sender retries later."""


@dataclass(frozen=True)
class Outgoing:
    """A mail ready to go: its bytes (RFC 5322, LF line ends), its envelope addresses, and
    the name a directory keeps it under (``<time queued>-<mail id>``)."""

    data: bytes
    sender: str
    recipient: str
    name: str


class Transport(Protocol):
    async def send(self, mail: Outgoing) -> None: ...


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0

    async def send(self, mail: Outgoing) -> None:
        try:
            await aiosmtplib.send(
                mail.data,  # its line ends become CRLF on the wire
                sender=mail.sender,
                recipients=[mail.recipient],
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                start_tls=self.starttls,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise Undeliverable(f"{type(error).__name__}: {error}") from error


@dataclass(frozen=True)
class DirectoryTransport:
    """One ``<time>-<message id>.eml`` file per mail (any mail program opens them)."""

    directory: Path

    async def send(self, mail: Outgoing) -> None:
        # On the loop: a few kilobytes into the page cache cost less than a thread hop.
        self._write(f"{mail.name}.eml", mail.data)

    def _write(self, name: str, content: bytes) -> None:
        target = self.directory / name
        partial = target.with_suffix(".part")
        try:
            partial.write_bytes(content)
        except FileNotFoundError:  # the first mail (or the directory was removed meanwhile)
            self.directory.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(content)
        partial.replace(target)
