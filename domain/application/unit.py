"""The unit of work a handler runs in: who acts and when, the aggregates it loads, and
the one atomic save of everything it touched.

A handler fetches, calls one aggregate method (or a few, for a rule that spans
aggregates), and commits. Everything is validated before ``commit``, so a refused
command stores nothing; ``commit`` saves all touched aggregates in one ``save()``
(shared with concurrent commands by group commit), together with the idempotency
record of the running request, if any.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.application.access import Actor, require_admin, require_team
from domain.application.commands import Saved
from domain.application.idempotency import AlreadyAnswered, answered, pending
from domain.model import rules
from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import InvalidInput, NotFound
from domain.model.idempotency import IdempotentRequest
from domain.model.objective import KeyResult, Objective, objective_of
from domain.model.team import Team

if TYPE_CHECKING:
    from domain.application.okra import Okra

A = TypeVar("A", bound=OkraAggregate)


class Rehearsed(Exception):
    """A rehearsal reached its commit: everything before saving passed."""


class UnitOfWork:
    """``rehearsal``: run the handler's loading and checks, and stop before saving
    (a retry's permission check, see :mod:`domain.application.idempotency`)."""

    def __init__(self, app: Okra, actor: Actor, rehearsal: bool = False) -> None:
        self.app = app
        self.actor = actor
        self.stamp: Stamp = app.stamp(actor)
        self.rehearsal = rehearsal
        self.authorised = False  # whether an authorisation check passed

    # -- authorisation ------------------------------------------------------------

    def require_admin(self, action: str) -> None:
        require_admin(self.actor, action)
        self.authorised = True

    def authorize(self, team_id: str | UUID) -> None:
        """The actor may change the OKRs of that team (see ``access.require_team``)."""
        require_team(self.actor, str(team_id), self._parent_of)
        self.authorised = True

    def changing(self, cls: type[A], entity_id: UUID | str, field: str) -> A:
        """An aggregate the actor is about to change, once they may change its team's OKRs
        (a team's own: the team's)."""
        aggregate = self.load(cls, entity_id, field)
        self.authorize(getattr(aggregate, "team_id", None) or aggregate.id)
        return aggregate

    def changing_key_result(self, key_result_id: str, field: str) -> tuple[Objective, KeyResult]:
        """A key result the actor is about to change (in its objective), once they may."""
        objective, key_result = self.key_result(key_result_id, field)
        self.authorize(objective.team_id)
        return objective, key_result

    def _parent_of(self, team_id: str) -> str | None:
        return self.load(Team, team_id, "team_id").parent_id

    # -- loading ------------------------------------------------------------------

    def load(
        self,
        cls: type[A],
        entity_id: UUID | str,
        field: str,
        missing: type[NotFound] | type[InvalidInput] = NotFound,
    ) -> A:
        """The aggregate of that type, or an error naming the input field: ``NotFound``
        for the entity acted on, ``InvalidInput`` for one the input refers to."""
        found = self.find(cls, entity_id)
        if found is not None:
            return found
        if missing is InvalidInput:
            raise InvalidInput(field, f"{cls.entity} {entity_id} does not exist")
        raise NotFound(cls.entity, entity_id, field)

    def find(self, cls: type[A], entity_id: UUID | str) -> A | None:
        """The aggregate of that type, or None (a malformed id names nothing)."""
        aggregate_id = entity_id if isinstance(entity_id, UUID) else rules.uuid(entity_id)
        if aggregate_id is None:
            return None
        try:
            aggregate: OkraAggregate = self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def exists(self, aggregate_id: UUID) -> bool:
        return self.app.exists(aggregate_id)

    def key_result(self, key_result_id: str, field: str) -> tuple[Objective, KeyResult]:
        """A key result and the objective whose stream holds it."""
        objective_id = objective_of(key_result_id)
        objective = self.find(Objective, objective_id) if objective_id else None
        if objective is None or key_result_id not in objective.key_results:
            raise NotFound("KeyResult", key_result_id, field)
        return objective, objective.key_results[key_result_id]

    # -- saving -------------------------------------------------------------------

    def commit(self, entity_id: UUID | str, *aggregates: OkraAggregate) -> Saved:
        """Save every aggregate's new events in one atomic save; the entity to answer."""
        if self.rehearsal:
            raise Rehearsed
        request = pending.get()
        if request is not None:
            first = answered(self.app, request.user, request.key)
            if first is not None:
                raise AlreadyAnswered(first)
            aggregates = (
                *aggregates,
                IdempotentRequest.answer(
                    Stamp(actor=request.user, at=self.app.clock()),
                    user=request.user,
                    key=request.key,
                    fingerprint=request.fingerprint,
                    entity_id=str(entity_id),
                ),
            )
        recordings = self.app.group.save(aggregates)
        position = max((r.notification.id for r in recordings), default=None)
        return Saved(id=str(entity_id), position=position, events=len(recordings))
