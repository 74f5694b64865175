"""Documents of webhooks: what the dispatcher sends where, and what the schema shows
(never a secret: only the generation the gateway derives the current one from)."""

from __future__ import annotations

from domain.model.webhook import Webhook
from projections.documents import Batch, Doc, created, iso, revised
from projections.handlers.dispatch import project


@project.register
def _(event: Webhook.WebhookCreated, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return created(
        event,
        pos,
        url=event.url,
        event_types=list(event.event_types),
        team_id=event.team_id,
        include_subteams=event.include_subteams,
        format=event.format,
        description=event.description,
        enabled=True,
        disabled_reason=None,
        disabled_at=None,
        secret_generation=1,
    )


@project.register
def _(event: Webhook.WebhookUpdated, doc: Doc, pos: int, batch: Batch) -> Doc:
    return revised(doc, event.changes)


@project.register
def _(event: Webhook.WebhookDisabled, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {
        **doc,
        "enabled": False,
        "disabled_reason": event.reason,
        "disabled_at": iso(event.timestamp),
    }


@project.register
def _(event: Webhook.WebhookEnabled, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "enabled": True, "disabled_reason": None, "disabled_at": None}


@project.register
def _(event: Webhook.WebhookSecretRotated, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "secret_generation": event.generation}
