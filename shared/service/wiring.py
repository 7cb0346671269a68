"""What a running service subscribes: a consumer per policy and a runner per projection source.

Both runtimes wire a service the same way; they differ only in where a source's events come
from (the embedded fan-out, or a Kafka feed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.consumer import Consumer, Source
from shared.messaging.dead_letters import DeadLetters
from shared.service.definition import ServiceContext, ServiceParts
from shared.service.policy import policy_consumer
from shared.service.projection import ProjectionRunner


@dataclass
class Subscriptions:
    consumers: list[Consumer] = field(default_factory=list)
    runners: list[ProjectionRunner] = field(default_factory=list)


def subscribe(
    parts: ServiceParts,
    context: ServiceContext,
    dead_letters: DeadLetters,
    source: Callable[[str], Source],
) -> Subscriptions:
    """Consumers for the policies and runners for the projections (registered with the context
    for read-your-writes), each reading ``source(name)``; nothing runs yet."""
    engine = context.engine
    made = Subscriptions()
    for policy in parts.policies:
        made.consumers.append(
            policy_consumer(
                policy,
                source(policy.source),
                checkpoints=CheckpointStore(engine),
                dead_letters=dead_letters,
            )
        )
    for projection in parts.projections:
        for name in projection.sources:
            runner = ProjectionRunner(projection, source(name), engine, dead_letters=dead_letters)
            made.runners.append(runner)
            context.positions.add(runner)
    return made
