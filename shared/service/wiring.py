"""What a running service follows: one dispatcher per source, feeding every projection and
policy of the service that follows that source.

Both runtimes wire a service the same way; they differ only in where a source's events come
from (the embedded log feed, or a Kafka feed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import Dispatcher, Feed, Handler
from shared.service.definition import ServiceContext, ServiceParts
from shared.service.policy import policy_handler
from shared.service.projection import ProjectionHandler


def dispatchers(
    parts: ServiceParts,
    context: ServiceContext,
    dead_letters: DeadLetters,
    feed: Callable[[str], Feed],
) -> list[Dispatcher]:
    """A dispatcher per source the service follows (registered with the context for
    read-your-writes); nothing runs yet."""
    handlers: dict[str, list[Handler]] = defaultdict(list)
    for projection in parts.projections:
        for source in projection.sources:
            handlers[source].append(ProjectionHandler(projection, context.changes))
    for policy in parts.policies:
        handlers[policy.source].append(policy_handler(policy))
    made = []
    for source, followers in handlers.items():
        dispatcher = Dispatcher(
            source, feed(source), context.engine, followers, dead_letters=dead_letters
        )
        context.positions.add(dispatcher)
        made.append(dispatcher)
    return made
