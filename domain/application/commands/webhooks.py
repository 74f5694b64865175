"""Commands about webhooks: receivers of the event log, signed (Standard Webhooks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.edits import KEEP
from domain.model.webhook import WebhookFormat


@dataclass(frozen=True, kw_only=True)
class CreateWebhook(Command):
    """Register a webhook: the events its patterns select are POSTed to its URL, signed as
    Standard Webhooks says. Answers the signing secret, once (webhook.secret). Admins
    register any webhook; a team's lead, their team's."""

    input_doc: ClassVar[str] = "A receiver of events, and what it receives."
    argument_doc: ClassVar[str] = "The webhook to register."

    url: Annotated[str, "Where to POST (http or https; public addresses only)."]
    event_types: Annotated[
        list[str], "Event types: exact (objective.check_in_recorded), a prefix (objective.*) or *."
    ]
    team_id: Annotated[Id | None, "Only events of this team; null: every team (admins only)."] = (
        None
    )
    include_subteams: Annotated[bool, "With teamId: also the events of the teams below it."] = True
    format: Annotated[WebhookFormat, "JSON (the event) or SLACK (a {text} message)."] = (
        WebhookFormat.JSON
    )
    description: Annotated[str | None, "What the webhook is for."] = None

    def lock(self) -> object:
        return self.team_id or "webhooks"


@dataclass(frozen=True, kw_only=True)
class UpdateWebhook(Command):
    """Change a webhook: its URL, what it receives, its format; enable a disabled one."""

    input_doc: ClassVar[str] = "What to change of a webhook; what is left out stays."
    argument_doc: ClassVar[str] = "The webhook and its changes."

    id: Annotated[Id, "The webhook."]
    url: Annotated[str, "A new URL."] = KEEP
    event_types: Annotated[list[str], "New event type patterns."] = KEEP
    include_subteams: Annotated[bool, "Whether the teams below its team count."] = KEEP
    format: Annotated[WebhookFormat, "JSON or SLACK."] = KEEP
    description: Annotated[str | None, "A new description; null clears it."] = KEEP
    enabled: Annotated[bool, "true enables a disabled webhook (false: see disableWebhook)."] = KEEP

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class DisableWebhook(Command):
    """Disable a webhook: nothing more is sent to it until it is enabled again."""

    input_doc: ClassVar[str] = "A webhook to disable, and why."
    argument_doc: ClassVar[str] = "The webhook."

    id: Annotated[Id, "The webhook."]
    reason: Annotated[str | None, "Why (shown to those who manage it)."] = None

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class RotateWebhookSecret(Command):
    """Give a webhook a new signing secret, answered once (webhook.secret); the old one
    stops signing at once."""

    input_doc: ClassVar[str] = "The webhook whose secret to replace."
    argument_doc: ClassVar[str] = "The webhook."

    id: Annotated[Id, "The webhook."]

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class Redeliver(Command):
    """Send a delivery again (same webhook-id, signed afresh), whatever became of it."""

    input_doc: ClassVar[str] = "The delivery to send again."
    argument_doc: ClassVar[str] = "The delivery."

    delivery_id: Annotated[Id, "The delivery (a webhook's deliveries list them)."]

    def lock(self) -> object:
        return self.delivery_id
