"""The security audit trail: log-ins, credentials, webhook subscriptions, roles and denied access.

Recorded by the identity edge (not a service's decider) into the audit store, one stream per
day; who acted is the envelope's ``actor``. Secrets never appear here: a key is named by its
public id, a password not at all."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from shared.events.base import DomainEvent, UtcDateTime
from shared.events.values import Text

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
"""A user name, party id, key id or role as the identity store holds it."""

Client = Annotated[str, StringConstraints(max_length=100)]
"""The caller's network address as the server saw it ("" when unknown)."""

Url = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
EventTypeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{1,100}$")]


class Channel(StrEnum):
    """Where a log-in came from."""

    api = "api"
    portal = "portal"


class LoginFailure(StrEnum):
    wrong_password = "wrong_password"
    unknown_user = "unknown_user"
    inactive = "inactive"
    locked = "locked"


class LoginSucceeded(DomainEvent):
    """A user logged in; ``rehashed``: the stored password hash was upgraded (to argon2id)."""

    event_type: ClassVar[str] = "LoginSucceeded"
    schema_version: ClassVar[int] = 1

    username: Name
    role: Name
    party: Name
    channel: Channel
    client: Client = ""
    rehashed: bool = False


class LoginFailed(DomainEvent):
    """A log-in was refused; ``locked_until`` is set when this failure (or an earlier run of
    them) locked the account."""

    event_type: ClassVar[str] = "LoginFailed"
    schema_version: ClassVar[int] = 1

    username: Name
    reason: LoginFailure
    channel: Channel
    client: Client = ""
    locked_until: UtcDateTime | None = None


class AccountUnlocked(DomainEvent):
    """Operations lifted a log-in lock-out before it ran out."""

    event_type: ClassVar[str] = "AccountUnlocked"
    schema_version: ClassVar[int] = 1

    username: Name


class UserRoleChanged(DomainEvent):
    """A user was created (no previous role) or given another role or party."""

    event_type: ClassVar[str] = "UserRoleChanged"
    schema_version: ClassVar[int] = 1

    username: Name
    role: Name
    party: Name
    previous_role: Name | None = None
    previous_party: Name | None = None
    password_set: bool = False


class ApiKeyIssued(DomainEvent):
    """A partner got an API key (shown to the operator once; only its hash is kept)."""

    event_type: ClassVar[str] = "ApiKeyIssued"
    schema_version: ClassVar[int] = 1

    key_id: Name
    role: Name
    party: Name
    name: Text
    expires_at: UtcDateTime | None = None


class ApiKeyRevoked(DomainEvent):
    """A partner's API key stopped working."""

    event_type: ClassVar[str] = "ApiKeyRevoked"
    schema_version: ClassVar[int] = 1

    key_id: Name


class WebhookSubscribed(DomainEvent):
    """A partner subscribed a URL to event types that name it."""

    event_type: ClassVar[str] = "WebhookSubscribed"
    schema_version: ClassVar[int] = 1

    subscription_id: Name
    role: Name
    party: Name
    url: Url
    event_types: tuple[EventTypeName, ...] = Field(min_length=1, max_length=50)


class WebhookSubscriptionRefused(DomainEvent):
    """A subscription's destination was refused (an internal or malformed address)."""

    event_type: ClassVar[str] = "WebhookSubscriptionRefused"
    schema_version: ClassVar[int] = 1

    role: Name
    party: Name
    url: Url
    reason: Text


class WebhookUnsubscribed(DomainEvent):
    """A subscription was removed (by its partner or by operations)."""

    event_type: ClassVar[str] = "WebhookUnsubscribed"
    schema_version: ClassVar[int] = 1

    subscription_id: Name


class AccessDenied(DomainEvent):
    """A request was refused for its credential (401) or its rights (403)."""

    event_type: ClassVar[str] = "AccessDenied"
    schema_version: ClassVar[int] = 1

    method: Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,10}$")]
    path: Url
    status: int = Field(ge=400, le=499)
    reason: Text
    role: Name | None = None
    party: Name | None = None
    credential: Name | None = None
    client: Client = ""


EVENTS: tuple[type[DomainEvent], ...] = (
    LoginSucceeded,
    LoginFailed,
    AccountUnlocked,
    UserRoleChanged,
    ApiKeyIssued,
    ApiKeyRevoked,
    WebhookSubscribed,
    WebhookSubscriptionRefused,
    WebhookUnsubscribed,
    AccessDenied,
)
