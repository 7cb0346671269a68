"""Partners' webhook subscriptions (their destinations checked against the destination policy)
and the coarse status of their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from shared.events import WebhookSubscribed, WebhookSubscriptionRefused, WebhookUnsubscribed
from shared.service.auth.access import PARTNERS, allow
from shared.service.auth.actor import BOUND_ROLES
from shared.service.auth.dependencies import ActorNow, SecurityDep
from shared.service.auth.destinations import DestinationRefused
from shared.service.auth.outbox import DeliveryStatus
from shared.service.errors import Problem
from shared.service.strict_json import StrictJson

EventType = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z]+$")]


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: HttpUrl
    event_types: Annotated[list[EventType], Field(min_length=1, max_length=50)]


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subscription_id": "3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4",
                    "url": "https://erp.example.com/hooks/b2b",
                    "event_types": ["Shipped", "Delivered"],
                    "party": "buyer:1b3f6f55-3c8e-5d1b-a0d2-2f1b7c9d8e11",
                    "secret": "whsec_…",
                }
            ]
        }
    )

    subscription_id: str
    url: str
    event_types: list[str]
    party: str
    secret: str | None = Field(default=None, description="shown once: verify our signatures")


class DeliveryOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "msg_id": "msg_2f1b7c9d8e114f0a9b3c5d7e1f2a4b6c",
                    "subscription_id": "3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4",
                    "event_type": "Shipped",
                    "status": "delivered",
                    "attempts": 1,
                    "last_attempt_at": "2026-12-07T03:10:00Z",
                    "next_attempt_at": None,
                    "delivered_at": "2026-12-07T03:10:00Z",
                }
            ]
        }
    )

    msg_id: str
    subscription_id: str
    event_type: str
    status: DeliveryStatus = Field(description="pending, delivered, retrying or failed")
    attempts: int
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    error: str | None = Field(
        default=None, description="operations only: why the last attempt failed"
    )


def webhook_routes() -> APIRouter:
    router = APIRouter()

    @router.post(
        "/webhooks/subscriptions",
        openapi_extra=allow(*PARTNERS),
        status_code=201,
    )
    async def subscribe(
        body: StrictJson[SubscriptionIn], actor: ActorNow, security: SecurityDep
    ) -> SubscriptionOut:
        """Subscribe a URL to event types that name your company, warehouse or carrier."""
        if actor.role not in BOUND_ROLES:
            raise Problem(
                422, "Not a partner", "only a bound party receives its events", field="url"
            )
        try:
            found = await security.outbox.subscribe(actor, str(body.url), tuple(body.event_types))
        except DestinationRefused as refused:
            await security.audit.record(
                WebhookSubscriptionRefused(
                    role=actor.role, party=actor.party, url=str(body.url), reason=refused.reason
                ),
                actor=str(actor),
            )
            raise Problem(
                422,
                "Webhook destination refused",
                f"{refused.reason}; webhooks go only to public https addresses",
                field="url",
            ) from None
        await security.audit.record(
            WebhookSubscribed(
                subscription_id=found.subscription_id,
                role=actor.role,
                party=actor.party,
                url=found.url,
                event_types=found.event_types,
            ),
            actor=str(actor),
        )
        return SubscriptionOut(**found.public(), secret=found.secret)

    @router.get("/webhooks/subscriptions", openapi_extra=allow(*PARTNERS))
    async def list_subscriptions(actor: ActorNow, security: SecurityDep) -> list[SubscriptionOut]:
        """Your subscriptions (operations: everyone's)."""
        mine = None if actor.role == "operations" else actor
        return [SubscriptionOut(**s.public()) for s in await security.outbox.subscriptions(mine)]

    @router.get("/webhooks/deliveries", openapi_extra=allow(*PARTNERS))
    async def deliveries(
        actor: ActorNow,
        security: SecurityDep,
        subscription_id: Annotated[str | None, Query(max_length=36)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[DeliveryOut]:
        """Your recent deliveries, newest first, and whether each arrived (operations: everyone's,
        with the error of the last attempt)."""
        mine = None if actor.role == "operations" else actor
        found = await security.outbox.deliveries(mine, subscription_id, limit)
        return [DeliveryOut(**row) for row in found]

    @router.delete(
        "/webhooks/subscriptions/{subscription_id}",
        openapi_extra=allow(*PARTNERS),
        status_code=204,
    )
    async def unsubscribe(
        subscription_id: Annotated[str, Path(max_length=36)],
        actor: ActorNow,
        security: SecurityDep,
    ) -> None:
        """Stop deliveries to a subscription of yours."""
        mine = None if actor.role == "operations" else actor
        if not await security.outbox.unsubscribe(subscription_id, mine):
            raise Problem(
                404, "Unknown subscription", f"no subscription {subscription_id}", field="id"
            )
        await security.audit.record(
            WebhookUnsubscribed(subscription_id=subscription_id), actor=str(actor)
        )

    return router
