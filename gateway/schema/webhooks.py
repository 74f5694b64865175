"""Webhooks over GraphQL: who may see and manage them, their deliveries, and the
mutations that check a URL (SSRF guard) before the command keeps it.

Webhook URLs are secrets of a kind (a Slack incoming-webhook URL lets anyone post), so
unlike OKRs they are not for everyone to read: admins see every webhook, a lead of a
team (or of a team above it) that team's. Others see none.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types.field import StrawberryField

from domain.application import commands as c
from domain.application.access import Principal
from domain.application.commands import Command, Saved
from domain.model import webhook as rules
from domain.model.edits import KEEP
from domain.model.errors import DomainError
from domain.model.roles import MemberRole
from domain.model.webhook import WebhookFormat
from gateway.dispatcher import secret_of
from gateway.outbound import Refused
from gateway.schema.cacheable import UNCACHEABLE
from gateway.schema.commands import MutationInput, input_type, run, to_command
from gateway.schema.connection import (
    After,
    Before,
    Connection,
    First,
    Last,
    Page,
    page_of,
    read_page,
)
from gateway.schema.context import Info
from gateway.schema.errors import OkraError, from_domain
from projections.deliveries import Delivery, DeliveryStatus
from projections.documents import Doc
from projections.views import PEOPLE, TEAMS, WEBHOOKS


@strawberry.type(description="One event sent (or to send) to one webhook, and how it went.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(
        description="The delivery's id: the webhook-id header of every attempt."
    )
    event_type: str = strawberry.field(description="The event's type, e.g. team.team_created.")
    position: int = strawberry.field(description="The event's position in the log.")
    status: DeliveryStatus = strawberry.field(description="Pending, delivered or failed.")
    attempts: int = strawberry.field(description="Attempts so far.")
    response_code: int | None = strawberry.field(
        description="The HTTP status of the last answer; null: none (e.g. connection refused)."
    )
    latency_ms: float | None = strawberry.field(description="Milliseconds the last answer took.")
    error: str | None = strawberry.field(description="What went wrong last, if anything.")
    created_at: datetime = strawberry.field(description="When it was enqueued.")
    last_attempt_at: datetime | None = strawberry.field(description="When it was last tried.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When it is tried next (pending deliveries)."
    )
    delivered_at: datetime | None = strawberry.field(description="When a receiver took it.")
    payload: str = strawberry.field(description="The body sent (JSON).")

    @classmethod
    def of(cls, d: Delivery) -> WebhookDelivery:
        def moment(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(
            id=strawberry.ID(d.id),
            event_type=d.event_type,
            position=d.position,
            status=DeliveryStatus(d.status),
            attempts=d.attempts,
            response_code=d.response_code,
            latency_ms=d.latency_ms,
            error=d.error,
            created_at=datetime.fromisoformat(d.created_at),
            last_attempt_at=moment(d.last_attempt_at),
            next_attempt_at=moment(d.next_at) if d.status == DeliveryStatus.PENDING else None,
            delivered_at=moment(d.delivered_at),
            payload=d.body,
        )


@strawberry.type(
    description="A receiver of events: what it receives is POSTed to its URL, signed as the "
    "Standard Webhooks specification says."
)
class Webhook:
    id: strawberry.ID = strawberry.field(description="The webhook's id.")
    url: str = strawberry.field(description="Where events are POSTed.")
    event_types: list[str] = strawberry.field(
        description="The event type patterns it receives (exact, prefix.*, or *)."
    )
    team_id: strawberry.ID | None = strawberry.field(
        description="Only events of this team (and below, with includeSubteams); null: all."
    )
    include_subteams: bool = strawberry.field(
        description="Whether the events of the teams below its team count."
    )
    format: WebhookFormat = strawberry.field(description="JSON, or SLACK ({text} messages).")
    description: str = strawberry.field(description="What it is for.")
    enabled: bool = strawberry.field(description="Whether events are sent to it.")
    disabled_reason: str | None = strawberry.field(
        description="Why it was disabled (by whom, or after 24 hours of failed deliveries)."
    )
    created_at: datetime = strawberry.field(description="When it was registered.")
    created_by: str = strawberry.field(description="Who registered it.")
    version: int = strawberry.field(description="Its version (edits so far).")
    secret: str | None = strawberry.field(
        description="Its signing secret (whsec_…): answered only by createWebhook and "
        "rotateWebhookSecret, null everywhere else."
    )

    @strawberry.field(description="What was sent to it, newest first.")
    async def deliveries(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[WebhookDelivery]:
        info.context.extra[UNCACHEABLE] = True  # deliveries change beside the views
        store = info.context.backend.deliveries
        webhook_id = str(self.id)

        async def read(
            after: int | None, before: int | None, limit: int, newest: bool
        ) -> list[Delivery]:
            return await store.find(webhook_id, limit, after, before, descending=newest)

        async def count() -> int:
            return await store.count(webhook_id)

        return await read_page(
            Page.of(first, after, last, before),
            read,
            lambda d: d.position,
            WebhookDelivery.of,
            count,
            descending=True,
        )

    @classmethod
    def from_doc(cls, doc: Doc, secret: str | None = None) -> Webhook:
        return cls(
            id=strawberry.ID(doc["id"]),
            url=doc["url"],
            event_types=list(doc["event_types"]),
            team_id=strawberry.ID(doc["team_id"]) if doc["team_id"] else None,
            include_subteams=doc["include_subteams"],
            format=WebhookFormat(doc["format"]),
            description=doc["description"],
            enabled=doc["enabled"],
            disabled_reason=doc["disabled_reason"],
            created_at=datetime.fromisoformat(doc["created_at"]),
            created_by=doc["created_by"],
            version=doc.get("version", 1),
            secret=secret,
        )


async def _leads(info: Info, principal: Principal) -> set[str]:
    """The teams the signed-in person leads, and every team below them."""
    if principal.person_id is None:
        return set()
    person = (await info.context.backend.store.get(PEOPLE, [principal.person_id])).get(
        principal.person_id
    )
    if person is None or not person.get("active", True):
        return set()
    led = {m["team_id"] for m in person["memberships"] if m.get("role") == MemberRole.LEAD}
    if not led:
        return set()
    teams = await info.context.backend.store.find(TEAMS, {})
    children: dict[str, list[str]] = {}
    for team in teams:
        children.setdefault(team.get("parent_id") or "", []).append(team["id"])
    found, todo = set(led), list(led)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


async def visible(info: Info, docs: list[Doc]) -> list[Doc]:
    """The webhooks the signed-in person may see: all for admins, their teams' for leads."""
    principal = info.context.principal
    if principal is None:
        return []
    if principal.is_admin:
        return docs
    teams = await _leads(info, principal)
    return [d for d in docs if d["team_id"] in teams]


@strawberry.type
class WebhooksQuery:
    @strawberry.field(
        description="The webhooks the signed-in person manages (admins: all; a team's lead: "
        "that team's and its subteams'), in the order they were registered."
    )
    async def webhooks(
        self,
        info: Info,
        team_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this team's webhooks.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Webhook]:
        where = {} if team_id is None else {"team_id": str(team_id)}
        docs = await visible(info, await info.context.backend.store.find(WEBHOOKS, where))
        return page_of(docs, Webhook.from_doc, Page.of(first, after, last, before))

    @strawberry.field(description="One webhook, by id; null if none, or not yours to manage.")
    async def webhook(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The webhook's id.")],
    ) -> Webhook | None:
        found = (await info.context.backend.store.get(WEBHOOKS, [str(id)])).get(str(id))
        shown = await visible(info, [found]) if found is not None else []
        return Webhook.from_doc(shown[0]) if shown else None


# -- mutations ------------------------------------------------------------------------


async def _check(info: Info, command: Any) -> None:
    """Refusals that need the gateway, before the command runs (so nothing is stored):
    a URL that may not be requested, a delivery that does not exist."""
    if isinstance(command, c.Redeliver):
        if await info.context.backend.deliveries.get(command.delivery_id) is None:
            raise OkraError(
                f"WebhookDelivery {command.delivery_id} does not exist", "NOT_FOUND", "deliveryId"
            )
        return
    url = getattr(command, "url", KEEP)
    if url is KEEP or not isinstance(url, str):
        return
    try:
        await info.context.backend.outbound.check(rules.url(url))
    except DomainError as error:
        raise from_domain(error) from None
    except Refused as refused:
        raise OkraError(f"url: {refused.reason}", "BAD_USER_INPUT", "url") from None


async def _webhook(info: Info, saved: Saved, with_secret: bool) -> Webhook:
    found = (await info.context.backend.store.get(WEBHOOKS, [saved.id])).get(saved.id)
    assert found is not None, "the views lost a webhook that was just saved"
    secret = None
    if with_secret:
        key = await info.context.backend.deliveries.key()
        secret = secret_of(key, saved.id, int(found["secret_generation"]))
    return Webhook.from_doc(found, secret)


async def _redelivered(info: Info, saved: Saved, command: c.Redeliver) -> WebhookDelivery:
    """The delivery once the dispatcher has read the request (or as it stands, if this
    process sends no webhooks)."""
    backend = info.context.backend
    deliveries = backend.deliveries
    if backend.dispatcher is not None and saved.position is not None:
        deadline = asyncio.get_running_loop().time() + backend.settings.read_your_writes_timeout
        while await deliveries.position() < saved.position:
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.02)
    found = await deliveries.get(command.delivery_id)
    if found is None:
        raise OkraError(
            f"WebhookDelivery {command.delivery_id} does not exist", "NOT_FOUND", "deliveryId"
        )
    return WebhookDelivery.of(found)


def webhook_mutation(command: type[Command], returns: Any, secret: bool = False) -> StrawberryField:
    """Like :func:`gateway.schema.commands.mutation`, with the URL checked first (a URL
    that resolves to a private address is refused before anything is stored)."""
    input_class = input_type(command)

    async def resolve(info: Info, input: MutationInput) -> Any:
        request = to_command(command, input)
        if info.context.principal is not None:
            await _check(info, request)
        saved = await run(info, request, input.idempotency_key)
        if isinstance(request, c.Redeliver):
            return await _redelivered(info, saved, request)
        return await _webhook(info, saved, secret)

    resolve.__annotations__ = {
        "info": Info,
        "input": Annotated[input_class, strawberry.argument(description=command.argument_doc)],
        "return": returns,
    }
    description = " ".join((command.__doc__ or "").split())
    field: StrawberryField = strawberry.mutation(resolver=resolve, description=description)
    return field
