"""Dispatchers for a test: projections and policies following stores, as a runtime wires them."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence

from shared.eventstore.port import EventStore
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import Dispatcher, Handler
from shared.messaging.hub import LogFeed
from shared.service.policy import Policy, policy_handler
from shared.service.projection import Projection, ProjectionHandler
from shared.service.tasks import cancel_all
from shared.sql import Database


@contextlib.asynccontextmanager
async def following(
    stores: Mapping[str, EventStore],
    engine: Database,
    *,
    projections: Sequence[Projection] = (),
    policies: Sequence[Policy] = (),
    handlers: Mapping[str, Sequence[Handler]] | None = None,
) -> AsyncIterator[list[Dispatcher]]:
    """Run a dispatcher per source for the given projections, policies and raw handlers."""
    by_source: dict[str, list[Handler]] = defaultdict(list)
    for projection in projections:
        await projection.create_tables(engine)
        for source in projection.sources:
            by_source[source].append(ProjectionHandler(projection))
    for policy in policies:
        by_source[policy.source].append(policy_handler(policy))
    for source, extra in (handlers or {}).items():
        by_source[source].extend(extra)
    dead_letters = DeadLetters(engine)
    await dead_letters.create_tables()
    feeds = {name: LogFeed(store) for name, store in stores.items()}
    made = [
        Dispatcher(source, feeds[source], engine, found, dead_letters=dead_letters)
        for source, found in by_source.items()
    ]
    tasks = [asyncio.create_task(d.run()) for d in made]
    try:
        yield made
    finally:
        await cancel_all(tasks)
        for feed in feeds.values():
            await feed.stop()


async def caught_up(
    dispatchers: Sequence[Dispatcher], stores: Mapping[str, EventStore], timeout: float = 10.0
) -> None:
    """Wait until every dispatcher's handlers hold their source's log to its head."""
    for dispatcher in dispatchers:
        head = await stores[dispatcher.source].head_position()
        await asyncio.wait_for(dispatcher.loaded.wait(), timeout)
        for name in dispatcher.positions:
            assert await dispatcher.wait_for(name, head, timeout), f"{name} did not catch up"
