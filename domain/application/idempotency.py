"""Idempotency keys: a retried command answers as the first one did and appends nothing.

The first answer is itself an event (:class:`~domain.model.idempotency.IdempotentRequest`)
saved in the same atomic ``save()`` as the command's own events (see
:meth:`UnitOfWork.commit`, which reads the key of the running command from
:data:`pending`). A retry, even a concurrent one, collides on that stream and is
answered from it; the same key with a different request is refused.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.application.access import Actor, Principal, actor_name
from domain.application.commands import Command, Saved
from domain.model import rules
from domain.model.errors import DomainError, InvalidInput
from domain.model.idempotency import KEY_MAX, IdempotentRequest

if TYPE_CHECKING:
    from domain.application.okra import Okra


@dataclass(frozen=True)
class Pending:
    """The key of the command running in this context, to be saved with its events."""

    user: str
    key: str
    fingerprint: str


class AlreadyAnswered(Exception):
    def __init__(self, request: IdempotentRequest) -> None:
        super().__init__(request.key)
        self.request = request


pending: contextvars.ContextVar[Pending | None] = contextvars.ContextVar(
    "okra_idempotency", default=None
)


def fingerprint(command: Command) -> str:
    """What makes two requests the same request: the command and every field of it."""
    canonical = json.dumps(
        [type(command).__name__, command.request()], sort_keys=True, default=repr
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def answered(app: Okra, user: str, key: str) -> IdempotentRequest | None:
    """The first answer to this key, if there was one."""
    request_id = IdempotentRequest.id_for(user, key)
    if not app.exists(request_id):
        return None
    request: IdempotentRequest = app.repository.get(request_id)
    assert isinstance(request, IdempotentRequest)
    return request


def idempotent(
    app: Okra,
    actor: Actor,
    key: str | None,
    command: Command,
    run: Callable[[], Saved],
    rehearse: Callable[[], None],
) -> Saved:
    """Run ``run`` once per (user, key); a retry gets the first answer back, once
    ``rehearse`` (the command's checks, saving nothing) finds the caller may still run it."""
    if key is None:
        return run()
    if not 1 <= len(key) <= KEY_MAX:
        raise InvalidInput("idempotency_key", f"must be 1–{KEY_MAX} characters")
    rules.clean(key, "idempotency_key")
    user, digest = actor_name(actor), fingerprint(command)
    token = pending.set(Pending(user, key, digest))
    try:
        # Answered already: a command that cannot run twice (a carry-over, a bet's
        # resolution) would otherwise refuse its own retry. ``commit`` still catches a
        # retry racing the first attempt.
        first = answered(app, user, key)
        if first is not None:
            raise AlreadyAnswered(first)
        try:
            return run()
        except DomainError:
            # A retry racing the first attempt: the first one saved while this one
            # waited, and its effect (a new version, a bet resolved) now refuses the
            # retry. The retry's answer is the first one's.
            first = answered(app, user, key)
            if first is None:
                raise
            raise AlreadyAnswered(first) from None
    except AlreadyAnswered as already:
        if already.request.fingerprint != digest:
            raise InvalidInput(
                "idempotency_key", "was already used for a different request"
            ) from None
        if isinstance(actor, Principal):
            # The answer names what the first attempt changed: only to someone who may
            # still change it (a token since narrowed to a viewer may not).
            rehearse()
        # The first attempt's events may still be on their way into the views.
        return Saved(already.request.entity_id, app.recorder.max_notification_id())
    finally:
        pending.reset(token)
