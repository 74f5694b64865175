"""Live updates over graphql-transport-ws: each message is the changed entity as the
views show it, sent only after the projection that made the change committed."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from domain.model.action import Action as ActionAggregate
from domain.model.action import action_of_bet
from domain.model.base import OkraAggregate
from domain.model.bet import Bet as BetAggregate
from domain.model.objective import Objective as ObjectiveAggregate
from gateway.schema import loading
from gateway.schema.audit_trail import ACTOR_PERSON
from gateway.schema.context import Info
from gateway.schema.types import Action, Bet, KeyResult, Objective
from gateway.schema.types.lazy import LazyPerson
from projections.history import is_history
from projections.views import ACTIONS, BETS, OBJECTIVES


@strawberry.type(description="One event as recorded in the log.")
class EventRecord:
    position: int = strawberry.field(description="The event's position in the log.")
    recorded_at: datetime = strawberry.field(description="When the event was recorded (UTC).")
    actor: str = strawberry.field(description="Who caused it.")
    event_type: str = strawberry.field(description="e.g. CheckInRecorded.")
    entity_type: str = strawberry.field(description="e.g. Objective, KeyResult, Bet.")
    entity_id: strawberry.ID = strawberry.field(description="The entity it is about.")
    aggregate_id: strawberry.ID = strawberry.field(
        description="The stream the event belongs to (a key result's is its objective's)."
    )
    data: JSON = strawberry.field(description="The event's own fields.")

    @strawberry.field(description=ACTOR_PERSON)
    async def actor_person(self, info: Info) -> LazyPerson | None:
        return await loading.person_by_handle(info, self.actor)


BASE_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "actor",
    "chain_prev",  # the chain is the audit trail's business (auditTrail { hash })
    "chain_hash",
}


def entity_of(event: OkraAggregate.Event) -> tuple[str, str]:
    """The entity an event is about: a key result's events are about the key result."""
    key_result_id = getattr(event, "key_result_id", None)
    aggregate = type(event).__qualname__.split(".", 1)[0]
    if isinstance(event, ObjectiveAggregate.Event) and key_result_id:
        return "KeyResult", key_result_id
    return aggregate, str(event.originator_id)


def record(position: int, event: OkraAggregate.Event) -> EventRecord:
    entity_type, entity_id = entity_of(event)
    data = {k: v for k, v in vars(event).items() if k not in BASE_FIELDS}
    return EventRecord(
        position=position,
        recorded_at=event.timestamp,
        actor=event.actor,
        event_type=type(event).__name__,
        entity_type=entity_type,
        entity_id=strawberry.ID(entity_id),
        aggregate_id=strawberry.ID(str(event.originator_id)),
        data=json.loads(json.dumps(data, default=str)),
    )


def _matches(doc: dict[str, object], **wanted: str | None) -> bool:
    return all(value is None or doc.get(key) == value for key, value in wanted.items())


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Key results as they change (check-ins, edits, grades); each "
        "argument narrows the stream."
    )
    async def key_result_changed(
        self,
        info: Info,
        objective_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only key results of this objective."),
        ] = None,
        team_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only key results of this team's objectives."),
        ] = None,
        cycle_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only key results of objectives in this cycle."),
        ] = None,
    ) -> AsyncGenerator[KeyResult, None]:
        backend = info.context.backend
        async with backend.feed.subscribe() as events:
            async for _, event in events:
                if not isinstance(event, ObjectiveAggregate.Event):
                    continue
                objective_id_of_event = str(event.originator_id)
                if objective_id is not None and objective_id != objective_id_of_event:
                    continue
                changed = getattr(event, "key_result_id", None)
                if changed is None and not isinstance(event, ObjectiveAggregate.ObjectiveGraded):
                    continue
                docs = await backend.store.get(OBJECTIVES, [objective_id_of_event])
                doc = docs.get(objective_id_of_event)
                if doc is None or not _matches(doc, team_id=team_id, cycle_id=cycle_id):
                    continue
                info.context.loaders.clear()
                for kr in doc["key_results"]:
                    if changed is None or kr["id"] == changed:
                        yield KeyResult.from_doc(kr)

    @strawberry.subscription(description="Objectives as they change, their scores included.")
    async def objective_changed(
        self,
        info: Info,
        cycle_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only objectives of this cycle.")
        ] = None,
        team_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only objectives of this team.")
        ] = None,
    ) -> AsyncGenerator[Objective, None]:
        backend = info.context.backend
        async with backend.feed.subscribe() as events:
            async for _, event in events:
                if not isinstance(event, ObjectiveAggregate.Event):
                    continue
                objective_id = str(event.originator_id)
                doc = (await backend.store.get(OBJECTIVES, [objective_id])).get(objective_id)
                if doc is not None and _matches(doc, team_id=team_id, cycle_id=cycle_id):
                    info.context.loaders.clear()
                    yield Objective.from_doc(doc)

    @strawberry.subscription(description="Bets as they are placed and resolved.")
    async def bet_changed(
        self,
        info: Info,
        team_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only bets of this team.")
        ] = None,
        cycle_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only bets placed in this cycle.")
        ] = None,
    ) -> AsyncGenerator[Bet, None]:
        backend = info.context.backend
        async with backend.feed.subscribe() as events:
            async for _, event in events:
                if not isinstance(event, BetAggregate.Event):
                    continue
                bet_id = str(event.originator_id)
                doc = (await backend.store.get(BETS, [bet_id])).get(bet_id)
                if doc is not None and _matches(doc, team_id=team_id, cycle_id=cycle_id):
                    info.context.loaders.clear()
                    yield Bet.from_doc(doc)

    @strawberry.subscription(
        description="Actions as they change: proposed, edited, ranked, dropped, bet on, "
        "resolved, and their collaboration offers and answers."
    )
    async def action_changed(
        self,
        info: Info,
        team_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this team's actions.")
        ] = None,
        cycle_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only the actions of this cycle.")
        ] = None,
    ) -> AsyncGenerator[Action, None]:
        backend = info.context.backend
        async with backend.feed.subscribe() as events:
            async for position, event in events:
                if isinstance(event, ActionAggregate.Event):
                    action_id = str(event.originator_id)
                elif isinstance(event, BetAggregate.BetResolved):
                    action_id = action_of_bet(event.originator_id)  # a bet from before actions
                else:
                    continue
                doc = (await backend.store.get(ACTIONS, [action_id])).get(action_id)
                if doc is None or doc.get("updated_pos", position) > position:
                    continue  # a later event of the same save (a bet's) sends it once
                if _matches(doc, team_id=team_id, cycle_id=cycle_id):
                    info.context.loaders.clear()
                    yield Action.from_doc(doc)

    @strawberry.subscription(description="The raw event feed, optionally of one entity.")
    async def events(
        self,
        info: Info,
        entity_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only events about this entity (or, for an objective, its key results)."
            ),
        ] = None,
        event_types: Annotated[
            list[str] | None,
            strawberry.argument(description="Only events of these types, e.g. CheckInRecorded."),
        ] = None,
    ) -> AsyncGenerator[EventRecord, None]:
        async with info.context.backend.feed.subscribe() as events:
            async for position, event in events:
                if not is_history(event):  # tokens and idempotency keys are nobody's feed
                    continue
                entry = record(position, event)
                if entity_id is not None and entity_id not in (entry.entity_id, entry.aggregate_id):
                    continue
                if event_types and entry.event_type not in event_types:
                    continue
                info.context.loaders.clear()  # actorPerson reads the people as they are now
                yield entry
