"""Outbound webhooks: a follower of the event log that enqueues, and a sender that
delivers, signed as the Standard Webhooks specification says.

**Enqueueing** works like the projector: the dispatcher keeps its own position in the
log (:mod:`projections.deliveries`), reads the events after it (never past the views,
whose documents say which webhooks exist and which team an event is about), and
commits the deliveries of a batch together with the position it reached. Every
matching event is enqueued exactly once, across restarts and gateways. Types and
patterns come from :mod:`domain.model.event_types`: no code here knows an event.

**Sending** is at-least-once: due deliveries are claimed for a lease, POSTed through
the SSRF-guarded client (:mod:`gateway.outbound`), and their outcome recorded. A
failure is retried with exponential backoff and jitter; a delivery still failing 24
hours after its first attempt fails for good and disables its webhook (an event, with
the reason, which those who manage it see). Each attempt is signed afresh (receivers
refuse old timestamps) with the same ``webhook-id``.

Scheduling reads the application's clock (tests move it); the signature's timestamp
is the wall clock, which is what receivers compare it with.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import anyio
import httpx
from standardwebhooks.webhooks import Webhook as Signer

from domain.application.okra import Okra
from domain.model.base import BOOKKEEPING, OkraAggregate
from domain.model.event_types import event_type, matches
from domain.model.notice import Notice, webhook_recipients
from domain.model.webhook import Webhook, delivery_id
from gateway.outbound import Outbound, Refused
from projections.deliveries import (
    DELIVERED,
    FAILED,
    PENDING,
    Delivery,
    DeliveryStore,
    Outcome,
    body_json,
    moment,
)
from projections.documents import Doc
from projections.handlers.dispatch import view_of
from projections.projector import PositionWatch, read_log
from projections.store import TrackingConflict, ViewStore
from projections.views import OBJECTIVES, TEAMS, WEBHOOKS

log = logging.getLogger("okra.webhooks")

RETRY_FOR = timedelta(hours=24)
FIRST_RETRY = timedelta(seconds=10)
LONGEST_WAIT = timedelta(hours=2)
LEASE = timedelta(minutes=2)  # a claimed delivery comes due again after this
SEND_WITHIN = timedelta(seconds=30)  # an attempt's whole time, well inside the lease
CLAIM = 20  # deliveries sent at once
USER_AGENT = "OKRA-Webhooks/1"
# Access plumbing, never delivered: idempotency records, the cascade and email registers.
UNDELIVERED = frozenset({"IdempotentRequest", "CascadeRegister", "PeopleDirectory"})
# Never delivered: an API token's hash, a data source's sealed secret (also inside an
# update's ``changes``), the e-mail address a notice was sent to.
SECRET_FIELDS = frozenset({"hash", "sealed_secret", "address"})


def secret_of(key: str, webhook_id: str, generation: int) -> str:
    """A webhook's signing secret (``whsec_`` + base64 of 32 bytes): derived, never
    stored, from the database's key, the webhook and its secret generation."""
    digest = hmac.new(key.encode(), f"{webhook_id}:{generation}".encode(), hashlib.sha256)
    return "whsec_" + base64.b64encode(digest.digest()).decode()


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """The wait after ``attempts`` failures: doubling from 10 s up to 2 h, each wait
    drawn between half and all of it (jitter: receivers that come back are not hit by
    every sender at once)."""
    ceiling: timedelta = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)
    wait: timedelta = ceiling * (0.5 + rng.random() / 2)
    return wait


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def plain(value: Any) -> Any:
    """A value of an event as JSON carries it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def aggregate_of(event: OkraAggregate.Event) -> str:
    return type(event).__qualname__.split(".", 1)[0]


@dataclass
class Entity:
    type: str
    id: str
    team_id: str | None
    title: str | None
    # Another team the event concerns (a collaboration offered by one team on another's
    # action): a webhook of either team receives it.
    other_team_id: str | None = None


def data_of(event: OkraAggregate.Event) -> dict[str, Any] | None:
    """What a delivery says of the event (camelCase, JSON values, no secrets); None when
    it is not to be delivered at all: a notice whose every recipient muted WEBHOOK."""
    data = {
        camel(name): plain(value)
        for name, value in vars(event).items()
        if name not in BOOKKEEPING and name not in SECRET_FIELDS
    }
    changes = data.get("changes")
    if isinstance(changes, dict):
        data["changes"] = {k: v for k, v in changes.items() if k not in SECRET_FIELDS}
    if isinstance(event, Notice.Issued):
        told = webhook_recipients(event.recipients)
        if event.recipients and not told:
            return None
        data["recipients"] = [{camel(k): v for k, v in person.items()} for person in told]
    return data


class Dispatcher:
    def __init__(
        self,
        app: Okra,
        views: ViewStore,
        deliveries: DeliveryStore,
        outbound: Outbound,
        watch: PositionWatch,
        *,
        clock: Callable[[], datetime],
        disable: Callable[[str, str], Awaitable[None]],
        batch_size: int = 500,
        poll_interval: float = 1.0,
        seed: int | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self.app = app
        self.views = views
        self.deliveries = deliveries
        self.outbound = outbound
        self.watch = watch
        self.clock = clock
        self.disable = disable
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.rng = random.Random(seed)
        self.lease = lease
        # An attempt's whole time: well inside the claim, so no other gateway takes it.
        self.send_within = min(SEND_WITHIN, lease / 2)
        self._due = asyncio.Event()
        self.key = ""

    async def start(self) -> None:
        self.key = await self.deliveries.key()

    def wake(self) -> None:
        """Look for due deliveries now (the clock moved, a delivery was reset)."""
        self._due.set()

    async def run(self) -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self._follow)
            tasks.start_soon(self._send)

    async def _follow(self) -> None:
        # Every database call inside the try: a database that restarts must not end the
        # dispatcher (and the gateway with it), only pause it.
        while True:
            waited_for: int | None = None
            try:
                if await self.enqueue() > 0:
                    continue
                waited_for = await self.deliveries.position() + 1
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("enqueueing webhook deliveries failed; retrying")
            if waited_for is None:
                await asyncio.sleep(self.poll_interval)
                continue
            with contextlib.suppress(TimeoutError):
                await self.watch.wait_for(waited_for, seconds=self.poll_interval)

    async def _send(self) -> None:
        while True:
            self._due.clear()
            try:
                if await self.send_due() > 0:
                    continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("sending webhook deliveries failed; retrying")
            with anyio.move_on_after(self.poll_interval):
                await self._due.wait()

    # -- enqueueing ------------------------------------------------------------------

    async def enqueue(self) -> int:
        """Enqueue the deliveries of the next batch of events the views hold; the
        number of events read (0: up to date)."""
        start = await self.deliveries.position()
        stop = self.watch.position
        if stop <= start:
            return 0
        every = await self.views.find(WEBHOOKS, {})
        now = self.clock()
        if not every:  # nothing to send, nothing to redeliver: skip to the views' position
            with contextlib.suppress(TrackingConflict):
                await self.deliveries.enqueue(start, stop, [], [], now)
            return 0
        events = await read_log(self.app, start, self.batch_size, stop)
        if not events:
            return 0
        webhooks = [w for w in every if w["enabled"]]
        queued: list[Delivery] = []
        resets: list[str] = []
        for position, event in events:
            if isinstance(event, Webhook.RedeliveryRequested):
                resets.append(event.delivery_id)
            if aggregate_of(event) in UNDELIVERED:
                continue
            kind = event_type(event)
            chosen = [
                w for w in webhooks if w["pos"] < position and matches(w["event_types"], kind)
            ]
            if not chosen:
                continue
            data = data_of(event)
            if data is None:
                continue
            entity = await self._entity(event)
            for webhook in chosen:
                if await self._covers(webhook, entity.team_id) or (
                    entity.other_team_id is not None
                    and await self._covers(webhook, entity.other_team_id)
                ):
                    queued.append(self._delivery(webhook, position, kind, event, entity, data, now))
        try:
            await self.deliveries.enqueue(start, events[-1][0], queued, resets, now)
        except TrackingConflict:
            return len(events)  # another gateway enqueued them: read on from there
        if queued or resets:
            self.wake()
        return len(events)

    async def _entity(self, event: OkraAggregate.Event) -> Entity:
        """What the event is about, and its team (from the views, for events that do
        not name it)."""
        aggregate = aggregate_of(event)
        entity_id = str(event.originator_id)
        view = view_of(event)
        doc: Doc | None = None
        if view is not None:
            doc = (await self.views.get(view, [entity_id])).get(entity_id)
        named = getattr(event, "team_id", None)
        team_id = (doc or {}).get("team_id") or named
        if aggregate == "Team":
            team_id = entity_id
        other = str(named) if named and str(named) != str(team_id) else None
        title = (doc or {}).get("title") or (doc or {}).get("name")
        key_result_id = getattr(event, "key_result_id", None)
        if view is OBJECTIVES and key_result_id and doc is not None:
            rows = [k for k in doc.get("key_results", []) if k.get("id") == key_result_id]
            return Entity(
                "KeyResult",
                str(key_result_id),
                team_id,
                rows[0].get("title") if rows else None,
                other,
            )
        return Entity(aggregate, entity_id, str(team_id) if team_id else None, title, other)

    async def _covers(self, webhook: Doc, team_id: str | None) -> bool:
        """Whether the webhook's team filter lets an event of that team through."""
        wanted = webhook.get("team_id")
        if wanted is None:
            return True
        seen: set[str] = set()
        current = team_id
        while current is not None and current not in seen:
            if current == wanted:
                return True
            if not webhook.get("include_subteams"):
                return False
            seen.add(current)
            team = (await self.views.get(TEAMS, [current])).get(current)
            current = team.get("parent_id") if team else None
        return False

    def _delivery(
        self,
        webhook: Doc,
        position: int,
        kind: str,
        event: OkraAggregate.Event,
        entity: Entity,
        data: dict[str, Any],
        now: datetime,
    ) -> Delivery:
        body = {
            "type": kind,
            "position": position,
            "recordedAt": moment(event.timestamp),
            "actor": event.actor,
            "entity": {
                "type": entity.type,
                "id": entity.id,
                "teamId": entity.team_id,
                "title": entity.title,
            },
            "data": data,
        }
        if webhook.get("format") == "SLACK":
            body = {"text": slack_text(body)}
        stamp = moment(now)
        return Delivery(
            id=delivery_id(webhook["id"], position),
            webhook_id=webhook["id"],
            position=position,
            event_type=kind,
            body=body_json(body),
            status=PENDING,
            attempts=0,
            next_at=stamp,
            created_at=stamp,
            retry_since=stamp,
        )

    # -- sending ---------------------------------------------------------------------

    async def send_due(self) -> int:
        """Claim the deliveries due now and attempt them; how many were attempted."""
        now = self.clock()
        claimed = await self.deliveries.claim(now, now + self.lease, CLAIM)
        if claimed:
            async with anyio.create_task_group() as tasks:
                for delivery in claimed:
                    tasks.start_soon(self.attempt, delivery)
        return len(claimed)

    async def attempt(self, delivery: Delivery) -> Outcome:
        webhook = (await self.views.get(WEBHOOKS, [delivery.webhook_id])).get(delivery.webhook_id)
        now = self.clock()
        if webhook is None or not webhook["enabled"]:
            outcome = Outcome(
                FAILED,
                delivery.attempts,
                moment(now),
                moment(now),
                None,
                None,
                "the webhook is disabled",
                None,
            )
            await self.deliveries.finish(delivery, outcome)
            return outcome
        code: int | None = None
        latency: float | None = None
        error: str | None = None
        try:
            secret = secret_of(self.key, delivery.webhook_id, int(webhook["secret_generation"]))
            # Bounded as a whole (a receiver answering a byte at a time), well inside the
            # claim's lease, so that no other gateway takes it while it is being sent.
            with anyio.fail_after(self.send_within.total_seconds()):
                answer = await self.outbound.request(
                    "POST",
                    webhook["url"],
                    headers=sign(secret, delivery),
                    content=delivery.body.encode(),
                )
            code, latency = answer.status, round(answer.seconds * 1000, 1)
            if not 200 <= code < 300:
                error = f"answered HTTP {code}"
        except Refused as refused:
            error = refused.reason
        except TimeoutError:
            error = f"no complete answer within {self.send_within.total_seconds():g} s"
        except (httpx.HTTPError, OSError, ValueError) as failure:
            error = f"{type(failure).__name__}: {failure}"[:500]
        attempts = delivery.attempts + 1
        after = self.clock()
        if error is None:
            outcome = Outcome(
                DELIVERED,
                attempts,
                moment(after),
                moment(after),
                code,
                latency,
                None,
                moment(after),
            )
        elif after - datetime.fromisoformat(delivery.retry_since) >= RETRY_FOR:
            outcome = Outcome(
                FAILED, attempts, moment(after), moment(after), code, latency, error, None
            )
        else:
            next_at = after + backoff(attempts, self.rng)
            outcome = Outcome(
                PENDING, attempts, moment(next_at), moment(after), code, latency, error, None
            )
        await self.deliveries.finish(delivery, outcome)
        if outcome.status == FAILED:
            reason = f"deliveries failed for 24 hours ({attempts} attempts); the last: {error}"
            try:
                await self.disable(delivery.webhook_id, reason)
            except Exception:  # the delivery's outcome stands; the next failure tries again
                log.exception("could not disable webhook %s", delivery.webhook_id)
        return outcome


def sign(secret: str, delivery: Delivery) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt (timestamp: now, by the wall clock)."""
    sent = datetime.now(UTC)
    signature = Signer(secret).sign(delivery.id, sent, delivery.body.encode())
    return {
        "webhook-id": delivery.id,
        "webhook-timestamp": str(int(sent.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def slack_text(body: dict[str, Any]) -> str:
    """A Slack/Mattermost message saying what happened, in one line or two."""
    told = notice_text(body)
    if told is not None:
        return told
    entity = body["entity"]
    what = body["type"].split(".", 1)[1].replace("_", " ")
    named = f" “{entity['title']}”" if entity.get("title") else ""
    details = ", ".join(
        f"{name} {value}"
        for name, value in body["data"].items()
        if value not in (None, "", [], {}) and not isinstance(value, dict | list)
    )
    line = f"*{what}*: {entity['type']}{named}, by {body['actor']}"
    return f"{line}\n{details[:1500]}" if details else line


def notice_text(body: dict[str, Any]) -> str | None:
    """A notice as a person would write it: what it is about and whom it is for, e.g.
    "*Check-in due* for Sam (@sam): “First response” of “Answer fast” (Support) has had
    no check-in for 8 days, …"; None for what is not a notice with a summary."""
    data = body["data"]
    summary = data.get("summary")
    if not body["type"].startswith("notice.") or not isinstance(summary, str):
        return None
    head, _, rest = summary.partition(": ")
    people = ", ".join(
        f"{person.get('name') or person.get('handle')} (@{person.get('handle')})"
        for person in data.get("recipients") or []
    )
    whom = f" for {people}" if people else ""
    if not rest:
        return _slack_escape(f"{summary}{whom}")
    return f"*{_slack_escape(head)}*{_slack_escape(whom)}: {_slack_escape(rest)}"


def _slack_escape(text: str) -> str:
    """Slack's three control characters, escaped as its message format asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
