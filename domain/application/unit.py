"""The unit of work a handler runs in: who acts and when, the aggregates it loads, and
the one atomic save of everything it touched.

A handler fetches, calls one aggregate method (or a few, for a rule that spans
aggregates), and commits. Everything is validated before ``commit``, so a refused
command stores nothing; ``commit`` saves all touched aggregates in one ``save()``
(shared with concurrent commands by group commit), together with the idempotency
record of the running request, if any.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.application.access import (
    EDITORS,
    Actor,
    Forbidden,
    Principal,
    actor_name,
    legacy_memberships,
    may_write,
    person_of,
    require_admin,
    require_team,
)
from domain.application.commands import Saved
from domain.application.idempotency import AlreadyAnswered, answered, pending
from domain.model import rules
from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import InvalidInput, NotFound
from domain.model.idempotency import IdempotentRequest
from domain.model.objective import KeyResult, Objective, objective_of
from domain.model.person import Person
from domain.model.roles import MemberRole
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
        self._acting: Person | None = None  # loaded once per unit of work

    # -- authorisation ------------------------------------------------------------

    def require_admin(self, action: str) -> None:
        require_admin(self.actor, action)
        self.acting_person()  # a deactivated admin is no admin
        self.authorised = True

    def authorize(self, team_id: str | UUID, allowed: Collection[MemberRole] = EDITORS) -> None:
        """The actor may act on that team (see ``access.require_team``): by default,
        change its OKRs."""
        if isinstance(self.actor, Principal) and self.actor.is_admin:
            self.acting_person()  # a deactivated admin is no admin
        require_team(self.actor, str(team_id), self._parent_of, self._memberships, allowed)
        self.authorised = True

    def changing(
        self,
        cls: type[A],
        entity_id: UUID | str,
        field: str,
        allowed: Collection[MemberRole] = EDITORS,
        owners_may: bool = False,
    ) -> A:
        """An aggregate the actor is about to change, once they may change its team's OKRs
        (a team's own: the team's); with ``owners_may``, its owner may too."""
        aggregate = self.load(cls, entity_id, field)
        if not (owners_may and self.owns(getattr(aggregate, "owner_id", None))):
            self.authorize(getattr(aggregate, "team_id", None) or aggregate.id, allowed)
        return aggregate

    def changing_key_result(
        self, key_result_id: str, field: str, owners_may: bool = False
    ) -> tuple[Objective, KeyResult]:
        """A key result the actor is about to change (in its objective), once they may;
        with ``owners_may``, the owner of the key result or of its objective may too."""
        objective, key_result = self.key_result(key_result_id, field)
        if not (owners_may and self.owns(key_result.owner_id, objective.owner_id)):
            self.authorize(objective.team_id)
        return objective, key_result

    def owns(self, *owner_ids: str | None) -> bool:
        """Whether the actor is an active person among those owners and may write."""
        me = person_of(self.actor)
        if me is None or me not in owner_ids:
            return False
        assert isinstance(self.actor, Principal)
        may_write(self.actor)
        self.acting_person()
        self.authorised = True
        return True

    def acting_person(self) -> Person | None:
        """The person acting, as their stream says now; a deactivated one is refused."""
        person_id = person_of(self.actor)
        if person_id is None:
            return None
        if self._acting is None:
            self._acting = self.find(Person, person_id)
        if self._acting is None or not self._acting.active:
            raise Forbidden(f"{actor_name(self.actor)} is no longer an active person")
        return self._acting

    def _memberships(self) -> dict[str, MemberRole]:
        person = self.acting_person()
        if person is not None:
            return dict(person.memberships)
        assert isinstance(self.actor, Principal)
        return legacy_memberships(self.actor)

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

    def person(self, person_id: str, field: str) -> Person:
        """A person the input names, who must be active to be assigned anything."""
        person = self.load(Person, person_id, field, missing=InvalidInput)
        person.check_active(field)
        return person

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
