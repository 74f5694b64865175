"""Actions: ideas on a key result that need researching and (in)validating.

An action starts as an IDEA in its team's backlog: it costs nothing, any number may
exist, and it is no plan and no commitment. Placing a bet on it (see
:mod:`domain.model.bet`) is the step where the team invests: the action becomes a
BET, and the bet's outcome becomes its status. An idea the team lets go is DROPPED,
with its reason. Other teams find actions and offer to collaborate; the owning team
accepts or declines each offer.

Bets placed before actions existed have no action stream: their action is derived
from the bet when it is read (:func:`action_of_bet` gives its id), history untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from domain.model import rules
from domain.model.base import OkraAggregate, Stamp
from domain.model.edits import KEEP
from domain.model.errors import InvalidInput

ACTION_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/action")


def action_of_bet(bet_id: UUID | str) -> str:
    """The id of the action derived from a bet placed before actions existed."""
    return str(uuid5(ACTION_NAMESPACE, f"bet/{bet_id}"))


class ActionSize(StrEnum):
    """The team's rough estimate of an action, before any stake."""

    XS = "XS"
    S = "S"
    M = "M"
    L = "L"
    XL = "XL"


class ActionStatus(StrEnum):
    """Where an action stands: an idea, a bet placed on it and how that ended, or dropped."""

    IDEA = "IDEA"
    BET = "BET"
    VALIDATED = "VALIDATED"
    INVALIDATED = "INVALIDATED"
    WITHDRAWN = "WITHDRAWN"
    DROPPED = "DROPPED"


class CollaborationStatus(StrEnum):
    """An offer to collaborate on another team's action, and the owning team's answer."""

    OFFERED = "OFFERED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"


ESTIMATE = ("stake", "odds", "expected_impact")


# How a bet's stake, odds and expected impact are checked: one rule for a bet
# (``Bet.place``) and for an idea's estimate of one.
FIGURE_RULES: dict[str, Callable[[float], float]] = {
    "stake": lambda v: rules.positive(v, "stake"),
    "odds": rules.odds,
    "expected_impact": lambda v: rules.not_zero(v, "expected_impact"),
}


def figures(**given: float) -> dict[str, float]:
    """A bet's figures, checked."""
    return {name: FIGURE_RULES[name](v) for name, v in given.items()}


def estimate(**given: float | None) -> dict[str, float | None]:
    """An idea's estimate, checked as a bet's figures are (None: not estimated)."""
    return {name: None if v is None else FIGURE_RULES[name](v) for name, v in given.items()}


def value_per_stake(stake: float | None, odds: float | None, impact: float | None) -> float | None:
    """odds × impact ÷ stake, the tangent audit's measure: None without a whole estimate."""
    if stake is None or odds is None or impact is None:
        return None
    return odds * impact / stake


class Action(OkraAggregate):
    entity = "Action"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        key_result_id: str
        objective_id: str
        team_id: str
        cycle_id: str
        title: str
        hypothesis: str
        description: str
        size: ActionSize | None
        key: bool
        # The team's estimate, before any bet (each None until given).
        stake: float | None
        odds: float | None
        expected_impact: float | None
        rank: int | None
        status: ActionStatus
        bet_id: str | None
        reason: str
        # Offers by offering team id: {"team_id", "person_id", "note", "status"}.
        collaborations: dict[str, dict[str, Any]]

    class ActionProposed(OkraAggregate.Created):
        key_result_id: str
        objective_id: str
        team_id: str
        cycle_id: str
        title: str
        hypothesis: str
        description: str
        size: ActionSize | None
        key: bool
        stake: float | None
        odds: float | None
        expected_impact: float | None

        def apply(self, action: Action) -> None:
            super().apply(action)
            action.size = ActionSize(self.size) if self.size else None
            action.rank = None
            action.status = ActionStatus.IDEA
            action.bet_id = None
            action.reason = ""
            action.collaborations = {}

    class ActionUpdated(OkraAggregate.Event):
        """Title, hypothesis, description, size, key or estimate changed (``changes``)."""

        changes: dict[str, list[Any]]

        def apply(self, action: Action) -> None:
            for name, (_, new) in self.changes.items():
                setattr(action, name, ActionSize(new) if name == "size" and new else new)

    class ActionRanked(OkraAggregate.Event):
        """Its place in its key result's order (1 first)."""

        rank: int
        edits_entity = False  # ranking others must not make an edit of this one stale

        def apply(self, action: Action) -> None:
            action.rank = self.rank

    class ActionDropped(OkraAggregate.Event):
        reason: str

        def apply(self, action: Action) -> None:
            action.status = ActionStatus.DROPPED
            action.reason = self.reason

    class ActionBetPlaced(OkraAggregate.Event):
        """The team bet on it: ``bet_id`` holds the stake, odds and impact."""

        bet_id: str

        def apply(self, action: Action) -> None:
            action.status = ActionStatus.BET
            action.bet_id = self.bet_id

    class ActionResolved(OkraAggregate.Event):
        """Its bet ended: the outcome is its status."""

        outcome: str

        def apply(self, action: Action) -> None:
            action.status = ActionStatus(self.outcome)

    class CollaborationOffered(OkraAggregate.Event):
        team_id: str
        person_id: str | None
        note: str
        edits_entity = False

        def apply(self, action: Action) -> None:
            action.collaborations[self.team_id] = {
                "team_id": self.team_id,
                "person_id": self.person_id,
                "note": self.note,
                "status": CollaborationStatus.OFFERED.value,
            }

    class CollaborationAnswered(OkraAggregate.Event):
        """Base of the owning team's two answers to an offer."""

        team_id: str
        edits_entity = False

    class CollaborationAccepted(CollaborationAnswered):
        def apply(self, action: Action) -> None:
            offer = action.collaborations[self.team_id]
            offer["status"] = CollaborationStatus.ACCEPTED.value

    class CollaborationDeclined(CollaborationAnswered):
        def apply(self, action: Action) -> None:
            offer = action.collaborations[self.team_id]
            offer["status"] = CollaborationStatus.DECLINED.value

    @classmethod
    def propose(
        cls,
        stamp: Stamp,
        *,
        key_result_id: str,
        objective_id: str,
        team_id: str,
        cycle_id: str,
        title: str,
        hypothesis: str | None,
        description: str | None = None,
        size: str | None = None,
        key: bool = False,
        stake: float | None = None,
        odds: float | None = None,
        expected_impact: float | None = None,
    ) -> Action:
        """A new idea in the key result's backlog."""
        return cls._create(
            cls.ActionProposed,
            id=uuid4(),
            actor=stamp.actor,
            timestamp=stamp.at,
            key_result_id=key_result_id,
            objective_id=objective_id,
            team_id=team_id,
            cycle_id=cycle_id,
            title=rules.title(title),
            hypothesis=rules.text(hypothesis, "hypothesis"),
            description=rules.text(description, "description"),
            size=None if size is None else rules.choice(size, ActionSize, "size"),
            key=bool(key),
            **estimate(stake=stake, odds=odds, expected_impact=expected_impact),
        )

    def check_idea(self, field: str, doing: str) -> None:
        if self.status != ActionStatus.IDEA:
            raise InvalidInput(field, f"the action is {self.status}, not an idea: cannot {doing}")

    def update(self, stamp: Stamp, *, expected_version: int | None, **proposed: Any) -> None:
        """Edit what is proposed (fields left out are KEEP); only while an idea or a bet."""
        self.check_revision(expected_version)
        if self.status not in (ActionStatus.IDEA, ActionStatus.BET):
            raise InvalidInput("id", f"the action is {self.status}: it can no longer change")
        checked: dict[str, Any] = {}
        for name, value in proposed.items():
            if value is KEEP:
                continue
            if name == "title":
                checked[name] = rules.title(value)
            elif name in ("hypothesis", "description"):
                checked[name] = rules.text(value, name)
            elif name == "size":
                checked[name] = None if value is None else rules.choice(value, ActionSize, name)
            elif name == "key":
                if value is None:
                    raise InvalidInput("key", "must be true or false")
                checked[name] = bool(value)
            elif name in ESTIMATE:
                checked.update(estimate(**{name: value}))
        self.record_edit(stamp, self.ActionUpdated, **checked)

    def drop(self, stamp: Stamp, *, expected_version: int | None, reason: str) -> None:
        self.check_revision(expected_version)
        self.check_idea("id", "drop it")
        why = rules.text(reason, "reason")
        if not why:
            raise InvalidInput("reason", "say why the idea is dropped")
        self.record(self.ActionDropped, stamp, reason=why)

    def set_rank(self, stamp: Stamp, rank: int) -> None:
        if rank != self.rank:
            self.record(self.ActionRanked, stamp, rank=rank)

    def place_bet(self, stamp: Stamp, bet_id: UUID | str) -> None:
        self.check_idea("action_id", "bet on it")
        self.record(self.ActionBetPlaced, stamp, bet_id=str(bet_id))

    def resolve(self, stamp: Stamp, outcome: str) -> None:
        if self.status == ActionStatus.BET:
            self.record(self.ActionResolved, stamp, outcome=ActionStatus(outcome).value)

    def offer(self, stamp: Stamp, *, team_id: str, person_id: str | None, note: str | None) -> None:
        if team_id == self.team_id:
            raise InvalidInput("team_id", "the action is that team's own: offer on another's")
        held = self.collaborations.get(team_id)
        if held is not None and held["status"] != CollaborationStatus.DECLINED:
            raise InvalidInput("team_id", f"that team's offer is already {held['status']}")
        self.record(
            self.CollaborationOffered,
            stamp,
            team_id=team_id,
            person_id=person_id,
            note=rules.text(note, "note"),
        )

    def answer(self, stamp: Stamp, *, team_id: str, accept: bool) -> None:
        held = self.collaborations.get(team_id)
        if held is None:
            raise InvalidInput("team_id", "that team offered no collaboration on this action")
        if held["status"] != CollaborationStatus.OFFERED:
            raise InvalidInput("team_id", f"that team's offer is already {held['status']}")
        event = self.CollaborationAccepted if accept else self.CollaborationDeclined
        self.record(event, stamp, team_id=team_id)
