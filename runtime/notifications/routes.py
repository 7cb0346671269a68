"""``GET`` / ``PUT /api/v1/notification-preferences``: which kinds of mail the caller's party
receives at its contact address (every kind until switched off)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from runtime.notifications.kinds import KINDS
from shared.service.api import ActorDep
from shared.service.auth.access import BUYER, SUPPLIER, allow
from shared.service.auth.actor import Actor
from shared.service.errors import Problem


class MailKind(BaseModel):
    kind: str = Field(examples=["order_shipped"])
    label: str = Field(examples=["A shipment leaves the warehouse"])
    enabled: bool


class MailPreferences(BaseModel):
    """The kinds of mail sent to the caller's party, each on or off."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kinds": [
                        {"kind": "order_placed", "label": "An order is placed", "enabled": True},
                        {
                            "kind": "order_shipped",
                            "label": "A shipment leaves the warehouse",
                            "enabled": False,
                        },
                    ]
                }
            ]
        }
    )

    kinds: list[MailKind]


class MailPreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kinds: Annotated[
        dict[str, bool],
        Field(
            max_length=len(KINDS),
            description="kind → on (true) or off (false); kinds not named stay as they are",
            examples=[{"order_shipped": False}],
        ),
    ]


def _mine(actor: Actor) -> list[str]:
    if actor.role not in ("buyer", "supplier"):
        raise Problem(403, "Not allowed", "only buyers and suppliers receive mail")
    return [kind.name for kind in KINDS if actor.role in kind.recipients]


def preference_routes() -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["notifications"])

    async def answer(request: Request, actor: Actor) -> MailPreferences:
        store = await request.app.state.notifications.ready()
        off = await store.switched_off(actor.role, actor.party)
        labels = {kind.name: kind.label for kind in KINDS}
        return MailPreferences(
            kinds=[
                MailKind(kind=name, label=labels[name], enabled=name not in off)
                for name in _mine(actor)
            ]
        )

    @router.get("/notification-preferences", openapi_extra=allow(BUYER, SUPPLIER))
    async def get_preferences(request: Request, actor: ActorDep) -> MailPreferences:
        """The caller's party's mail: every kind it may receive, on or off."""
        return await answer(request, actor)

    @router.put("/notification-preferences", openapi_extra=allow(BUYER, SUPPLIER))
    async def set_preferences(
        request: Request, body: MailPreferencesIn, actor: ActorDep
    ) -> MailPreferences:
        """Switch kinds of mail on or off for the caller's party (its contact address)."""
        allowed = _mine(actor)
        for name in body.kinds:
            if name not in allowed:
                raise Problem(
                    422,
                    "Invalid request",
                    f"{name!r} is not a kind of mail a {actor.role} receives; "
                    f"choose from {', '.join(allowed)}",
                    field=f"kinds.{name}",
                )
        store = await request.app.state.notifications.ready()
        await store.set_preferences(actor.role, actor.party, body.kinds, str(actor))
        return await answer(request, actor)

    return router
