"""Documents of actions: ideas, the bets placed on them, and collaboration offers.

An action's own events keep its document. Bets placed before actions existed have
no action stream: an observer of bet events derives their action's document from the
bet (``derived``: true), its status following the bet's outcome, so an old store
shows its bets as actions without a single event rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.model.action import (
    Action,
    ActionStatus,
    CollaborationStatus,
    action_of_bet,
    value_per_stake,
)
from domain.model.base import OkraAggregate
from domain.model.bet import Bet
from projections.documents import Batch, Doc, created, iso
from projections.handlers.dispatch import observer, project
from projections.views import ACTIONS, View


def searchable(doc: Doc) -> str:
    """The text ``actions(search:)`` looks in, case folded."""
    return " ".join((doc["title"], doc["hypothesis"], doc["description"])).casefold()


def _indexed(doc: Doc) -> Doc:
    """With what is derived from its fields: the search text and the value per stake."""
    value = value_per_stake(doc["stake"], doc["odds"], doc["expected_impact"])
    return {**doc, "search": searchable(doc), "value_per_stake": value}


@project.register
def _(event: Action.ActionProposed, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return _indexed(
        created(
            event,
            pos,
            key_result_id=event.key_result_id,
            objective_id=event.objective_id,
            team_id=event.team_id,
            cycle_id=event.cycle_id,
            title=event.title,
            hypothesis=event.hypothesis,
            description=event.description,
            size=event.size,
            key=event.key,
            stake=event.stake,
            odds=event.odds,
            expected_impact=event.expected_impact,
            rank=None,
            status=ActionStatus.IDEA.value,
            bet_id=None,
            reason="",
            dropped_at=None,
            derived=False,
            collaborations=[],
        )
    )


@project.register
def _(event: Action.ActionUpdated, doc: Doc, pos: int, batch: Batch) -> Doc:
    return _indexed({**doc, **{name: new for name, (_, new) in event.changes.items()}})


@project.register
def _(event: Action.ActionRanked, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "rank": event.rank}


@project.register
def _(event: Action.ActionDropped, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {
        **doc,
        "status": ActionStatus.DROPPED.value,
        "reason": event.reason,
        "dropped_at": iso(event.timestamp),
    }


@project.register
def _(event: Action.ActionBetPlaced, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "status": ActionStatus.BET.value, "bet_id": event.bet_id}


@project.register
def _(event: Action.ActionResolved, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "status": event.outcome}


@project.register
def _(event: Action.CollaborationOffered, doc: Doc, pos: int, batch: Batch) -> Doc:
    offer = {
        "team_id": event.team_id,
        "person_id": event.person_id,
        "note": event.note,
        "status": CollaborationStatus.OFFERED.value,
        "offered_at": iso(event.timestamp),
        "offered_by": event.actor,
        "answered_at": None,
    }
    kept = [c for c in doc["collaborations"] if c["team_id"] != event.team_id]
    return {**doc, "collaborations": [*kept, offer]}


@project.register
def _(event: Action.CollaborationAnswered, doc: Doc, pos: int, batch: Batch) -> Doc:
    status = (
        CollaborationStatus.ACCEPTED
        if isinstance(event, Action.CollaborationAccepted)
        else CollaborationStatus.DECLINED
    )
    answered = [
        {**c, "status": status.value, "answered_at": iso(event.timestamp)}
        if c["team_id"] == event.team_id
        else c
        for c in doc["collaborations"]
    ]
    return {**doc, "collaborations": answered}


class DerivedActions:
    """Derives the action of a bet placed before actions existed (an
    :class:`~projections.handlers.dispatch.Observer` of bet events)."""

    def wants(self, event: OkraAggregate.Event) -> Iterable[tuple[View, str]]:
        if isinstance(event, Bet.BetPlaced):
            yield ACTIONS, event.action_id
        elif isinstance(event, Bet.BetResolved):
            yield ACTIONS, action_of_bet(event.originator_id)

    def observe(
        self, event: OkraAggregate.Event, pos: int, batch: Batch, before: Doc | None
    ) -> None:
        if isinstance(event, Bet.BetPlaced):
            if batch.get(ACTIONS, event.action_id) is None:
                batch.put(ACTIONS, _derived(event, pos))
        elif isinstance(event, Bet.BetResolved):
            doc = batch.get(ACTIONS, action_of_bet(event.originator_id))
            if doc is not None and doc["derived"]:
                batch.put(
                    ACTIONS,
                    {
                        **doc,
                        "status": event.outcome.value,
                        "updated_at": iso(event.timestamp),
                        "updated_by": event.actor,
                        "updated_pos": pos,
                        "version": doc["version"] + 1,
                    },
                )


def _derived(event: Bet.BetPlaced, pos: int) -> Doc:
    doc = created(
        event,
        pos,
        key_result_id=event.key_result_id,
        objective_id=event.objective_id,
        team_id=event.team_id,
        cycle_id=event.cycle_id,
        title=event.title,
        hypothesis=event.hypothesis,
        description="",
        size=None,
        key=False,
        stake=None,
        odds=None,
        expected_impact=None,
        rank=None,
        status=ActionStatus.BET.value,
        bet_id=str(event.originator_id),
        reason="",
        dropped_at=None,
        derived=True,
        collaborations=[],
        updated_at=iso(event.timestamp),
        updated_by=event.actor,
        updated_pos=pos,
        version=1,
    )
    return _indexed({**doc, "id": event.action_id})


observer(DerivedActions())
