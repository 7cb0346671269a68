"""``make run`` writes each mail as an .eml file: the directory is made when the first mail
comes (and again if someone removed it), and a file appears whole under its final name."""

from __future__ import annotations

import shutil
from email import message_from_bytes
from pathlib import Path

from runtime.notifications.transport import DirectoryTransport, Outgoing


def _mail(mail_id: str) -> Outgoing:
    data = f"Subject: mail {mail_id}\nX-B2B-Mail-Id: {mail_id}\n\nhello\n".encode()
    return Outgoing(data, "orders@example.test", "buyer@example.test", f"20261207T120000-{mail_id}")


async def test_mail_files_appear_whole_and_the_directory_is_made_when_needed(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "var" / "mail"
    transport = DirectoryTransport(directory)

    await transport.send(_mail("one"))
    shutil.rmtree(directory)
    await transport.send(_mail("two"))

    names = sorted(path.name for path in directory.iterdir())
    assert names == ["20261207T120000-two.eml"]
    parsed = message_from_bytes((directory / names[0]).read_bytes())
    assert parsed["Subject"] == "mail two"
