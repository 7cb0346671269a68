"""A partner's webhook endpoint for tests: a small HTTP/1.1 server on 127.0.0.1 that records each
request and the connection it came on, and answers as scripted (keep-alive, like a real one)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field


@dataclass
class Received:
    connection: int
    request_line: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """``answers`` are raw status lines + extra headers + body, used in turn (the last repeats);
    ``None`` means: read the request and never answer."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    answers: list[tuple[int, dict[str, str], bytes] | None] = field(
        default_factory=lambda: [(204, {}, b"")]
    )
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        connection = self.connections
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)  # type: ignore[arg-type]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.received.append(Received(connection, lines[0], headers, body))
                answer = self.answers[min(len(self.received), len(self.answers)) - 1]
                if answer is None:
                    await asyncio.sleep(3600)
                    return
                status, extra, content = answer
                extra = {"content-length": str(len(content)), **extra}
                writer.write(
                    f"HTTP/1.1 {status} X\r\n".encode()
                    + "".join(f"{k}: {v}\r\n" for k, v in extra.items()).encode()
                    + b"\r\n"
                    + content
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    server = await asyncio.start_server(found.handle, "127.0.0.1", 0)
    found.port = server.sockets[0].getsockname()[1]
    try:
        yield found
    finally:
        server.close()
        for task in found.tasks:
            task.cancel()
        await asyncio.gather(*found.tasks, return_exceptions=True)
