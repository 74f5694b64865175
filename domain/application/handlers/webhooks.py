"""Handlers of the webhook commands: admins manage every webhook, a team's lead (or a
lead of a team above it) their team's."""

from __future__ import annotations

from domain.application.access import MANAGERS
from domain.application.commands import (
    CreateWebhook,
    DisableWebhook,
    Redeliver,
    RotateWebhookSecret,
    Saved,
    UpdateWebhook,
)
from domain.application.unit import UnitOfWork
from domain.model import rules
from domain.model.edits import KEEP
from domain.model.errors import InvalidInput, NotFound
from domain.model.team import Team
from domain.model.webhook import (
    Webhook,
    WebhookFormat,
    event_patterns,
    parse_delivery_id,
    url,
)

REASON_MAX = 500


def _authorize(uow: UnitOfWork, team_id: str | None) -> None:
    if team_id is None:
        uow.require_admin("manage webhooks of every team")
    else:
        uow.authorize(team_id, MANAGERS)


def _managed(uow: UnitOfWork, webhook_id: str, field: str) -> Webhook:
    webhook = uow.load(Webhook, webhook_id, field)
    _authorize(uow, webhook.team_id)
    return webhook


def create_webhook(command: CreateWebhook, uow: UnitOfWork) -> Saved:
    team_id = None
    if command.team_id is not None:
        team_id = str(uow.load(Team, command.team_id, "team_id", missing=InvalidInput).id)
    _authorize(uow, team_id)
    webhook = Webhook.create(
        uow.stamp,
        url=url(command.url),
        event_types=event_patterns(command.event_types),
        team_id=team_id,
        include_subteams=bool(command.include_subteams),
        format=rules.choice(command.format, WebhookFormat, "format"),
        description=rules.text(command.description, "description", 500),
    )
    return uow.commit(webhook.id, webhook)


def update_webhook(command: UpdateWebhook, uow: UnitOfWork) -> Saved:
    webhook = _managed(uow, command.id, "id")
    webhook.update(
        uow.stamp,
        url=KEEP if command.url is KEEP else url(command.url),
        event_types=KEEP if command.event_types is KEEP else event_patterns(command.event_types),
        include_subteams=command.include_subteams,
        format=KEEP
        if command.format is KEEP
        else rules.choice(command.format, WebhookFormat, "format"),
        description=KEEP
        if command.description is KEEP
        else rules.text(command.description, "description", 500),
    )
    if command.enabled is True:
        webhook.enable(uow.stamp)
    elif command.enabled is False:
        webhook.disable(uow.stamp, "disabled by " + uow.stamp.actor)
    return uow.commit(webhook.id, webhook)


def disable_webhook(command: DisableWebhook, uow: UnitOfWork) -> Saved:
    webhook = _managed(uow, command.id, "id")
    reason = rules.text(command.reason, "reason", REASON_MAX) or f"disabled by {uow.stamp.actor}"
    webhook.disable(uow.stamp, reason)
    return uow.commit(webhook.id, webhook)


def rotate_webhook_secret(command: RotateWebhookSecret, uow: UnitOfWork) -> Saved:
    webhook = _managed(uow, command.id, "id")
    webhook.rotate_secret(uow.stamp)
    return uow.commit(webhook.id, webhook)


def redeliver(command: Redeliver, uow: UnitOfWork) -> Saved:
    parsed = parse_delivery_id(command.delivery_id)
    if parsed is None:
        raise NotFound("WebhookDelivery", command.delivery_id, "delivery_id")
    webhook_id, position = parsed
    webhook = uow.find(Webhook, webhook_id)
    if webhook is None or position > (uow.app.recorder.max_notification_id() or 0):
        raise NotFound("WebhookDelivery", command.delivery_id, "delivery_id")
    _authorize(uow, webhook.team_id)
    webhook.request_redelivery(uow.stamp, command.delivery_id)
    return uow.commit(webhook.id, webhook)
