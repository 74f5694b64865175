"""Webhooks: a URL that receives the events of the log, signed, as they are recorded.

A webhook is event-sourced like everything else, so who registered, changed or
disabled which receiver, and why, is in the audit trail. Its signing secret never
enters the log: the gateway derives it from a key of its own and the webhook's id and
``secret_generation``, which rotating the secret increments (the old secret stops
signing at once). What it receives: the event types its patterns select (see
:mod:`domain.model.event_types`), of one team (and the teams below it) or of all.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from domain.model import rules
from domain.model.base import OkraAggregate, Stamp
from domain.model.edits import KEEP, Keep
from domain.model.errors import InvalidInput
from domain.model.event_types import is_pattern

URL_MAX = 2000
PATTERNS_MAX = 50
# Delivery ids: ``msg_<webhook id, 32 hex digits>_<log position>`` (Standard Webhooks'
# ``webhook-id``: the same for every attempt of one event to one webhook).
DELIVERY_ID = re.compile(r"msg_([0-9a-f]{32})_([0-9]{1,18})")


class WebhookFormat(StrEnum):
    JSON = "JSON"
    SLACK = "SLACK"


def delivery_id(webhook_id: UUID | str, position: int) -> str:
    """The id of the delivery of the event at ``position`` to a webhook (deterministic:
    enqueueing it twice is enqueueing it once)."""
    return f"msg_{UUID(str(webhook_id)).hex}_{position}"


def parse_delivery_id(value: str) -> tuple[UUID, int] | None:
    found = DELIVERY_ID.fullmatch(value)
    return (UUID(found[1]), int(found[2])) if found else None


def url(value: str, field: str = "url") -> str:
    """An http(s) URL with a host (where it resolves is the gateway's to check)."""
    trimmed = rules.clean(value, field).strip()
    if len(trimmed) > URL_MAX:
        raise InvalidInput(field, f"must be at most {URL_MAX} characters")
    if not re.fullmatch(r"https?://[^\s/?#@]+(/[^\s]*)?", trimmed, re.IGNORECASE):
        raise InvalidInput(field, "must be an http or https URL with a host")
    return trimmed


def event_patterns(values: list[str], field: str = "event_types") -> list[str]:
    """Subscription patterns: ``*``, ``objective.*`` or an exact ``objective.check_in_recorded``."""
    if not values:
        raise InvalidInput(field, "name at least one event type (or * for all)")
    if len(values) > PATTERNS_MAX:
        raise InvalidInput(field, f"at most {PATTERNS_MAX} patterns")
    cleaned: list[str] = []
    for value in values:
        pattern = rules.clean(value, field).strip()
        if not is_pattern(pattern):
            raise InvalidInput(
                field,
                f"{pattern[:60]!r} is no event type pattern (objective.*, team.team_created, *)",
            )
        if pattern not in cleaned:
            cleaned.append(pattern)
    return cleaned


class Webhook(OkraAggregate):
    entity = "Webhook"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        url: str
        event_types: list[str]
        team_id: str | None
        include_subteams: bool
        format: str
        description: str
        enabled: bool
        disabled_reason: str | None
        secret_generation: int

    class WebhookCreated(OkraAggregate.Created):
        url: str
        event_types: list[str]
        team_id: str | None
        include_subteams: bool
        format: str
        description: str

        def apply(self, webhook: Webhook) -> None:
            super().apply(webhook)
            webhook.enabled = True
            webhook.disabled_reason = None
            webhook.secret_generation = 1

    class WebhookUpdated(OkraAggregate.Event):
        changes: dict[str, list[Any]]

        def apply(self, webhook: Webhook) -> None:
            for name, (_, new) in self.changes.items():
                setattr(webhook, name, new)

    class WebhookDisabled(OkraAggregate.Event):
        reason: str

        def apply(self, webhook: Webhook) -> None:
            webhook.enabled = False
            webhook.disabled_reason = self.reason

    class WebhookEnabled(OkraAggregate.Event):
        def apply(self, webhook: Webhook) -> None:
            webhook.enabled = True
            webhook.disabled_reason = None

    class WebhookSecretRotated(OkraAggregate.Event):
        generation: int

        def apply(self, webhook: Webhook) -> None:
            webhook.secret_generation = self.generation

    class RedeliveryRequested(OkraAggregate.Event):
        """A delivery to send again (the dispatcher resets it when it reads this)."""

        delivery_id: str
        edits_entity = False

        def apply(self, webhook: Webhook) -> None:
            pass

    @classmethod
    def create(
        cls,
        stamp: Stamp,
        *,
        url: str,
        event_types: list[str],
        team_id: str | None,
        include_subteams: bool,
        format: WebhookFormat,
        description: str,
    ) -> Webhook:
        return cls._create(
            cls.WebhookCreated,
            id=uuid4(),
            actor=stamp.actor,
            timestamp=stamp.at,
            url=url,
            event_types=event_types,
            team_id=team_id,
            include_subteams=include_subteams,
            format=str(format),
            description=description,
        )

    def update(
        self,
        stamp: Stamp,
        *,
        url: str | Keep = KEEP,
        event_types: list[str] | Keep = KEEP,
        include_subteams: bool | Keep = KEEP,
        format: WebhookFormat | Keep = KEEP,
        description: str | Keep | None = KEEP,
    ) -> None:
        self.record_edit(
            stamp,
            self.WebhookUpdated,
            url=url,
            event_types=event_types,
            include_subteams=include_subteams,
            format=format if isinstance(format, Keep) else str(format),
            description=description,
        )

    def disable(self, stamp: Stamp, reason: str) -> None:
        if self.enabled:
            self.record(self.WebhookDisabled, stamp, reason=reason)

    def enable(self, stamp: Stamp) -> None:
        if not self.enabled:
            self.record(self.WebhookEnabled, stamp)

    def rotate_secret(self, stamp: Stamp) -> None:
        self.record(self.WebhookSecretRotated, stamp, generation=self.secret_generation + 1)

    def request_redelivery(self, stamp: Stamp, delivery: str) -> None:
        if not self.enabled:
            raise InvalidInput("delivery_id", "the webhook is disabled: enable it first")
        self.record(self.RedeliveryRequested, stamp, delivery_id=delivery)
