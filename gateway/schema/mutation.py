"""Write operations: each takes one ``input``, runs one domain command and answers
with the changed entity as the views show it once the command's events are in them
(read-your-writes)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry import UNSET

from domain.access import Principal
from domain.application import Okra, Saved
from domain.errors import DomainError
from domain.objective import KEEP
from gateway.backend import ViewsLagging
from gateway.schema.context import Info
from gateway.schema.errors import OkraError, from_domain
from gateway.schema.query import load_portfolio
from gateway.schema.types import (
    Bet,
    BetOutcome,
    Cycle,
    CycleKind,
    KeyResult,
    Objective,
    ObjectiveKind,
    ObjectiveStatus,
    Portfolio,
    Team,
    load_bet,
    load_cycle,
    load_key_result,
    load_objective,
    load_team,
)

ID = strawberry.ID
T = TypeVar("T")


def keep(value: Any) -> Any:
    """UNSET (the field was left out) keeps the current value; null clears it."""
    if value is UNSET:
        return KEEP
    return value.value if isinstance(value, Enum) else value


def keep_required(value: Any, field: str) -> Any:
    """Like :func:`keep`, for fields that cannot be cleared."""
    if value is None:
        raise OkraError(f"{field}: cannot be null", "BAD_USER_INPUT", field)
    return keep(value)


async def run(
    info: Info, input: MutationInput, command: Callable[[Okra, Principal], Saved]
) -> Saved:
    context = info.context
    principal = context.principal
    if principal is None:
        raise OkraError(
            "writes need a token: send Authorization: Bearer <token>", "UNAUTHENTICATED"
        )
    fingerprint = request_fingerprint(info.field_name, input)
    try:
        saved = await context.backend.execute(
            lambda app: app.idempotent(
                principal,
                input.idempotency_key,
                fingerprint,
                lambda: command(app, principal),
            )
        )
    except DomainError as error:
        raise from_domain(error) from None
    except ViewsLagging as lagging:
        raise OkraError(str(lagging), "TIMEOUT") from None
    context.loaders.clear()
    return saved


def request_fingerprint(operation: str, input: MutationInput) -> str:
    """What makes two requests the same request, idempotency key aside."""
    fields = {k: v for k, v in vars(input).items() if k != "idempotency_key"}
    canonical = json.dumps([operation, fields], sort_keys=True, default=repr)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _found(value: T | None) -> T:
    assert value is not None, "the views lost an entity that was just saved"
    return value


# -- inputs ---------------------------------------------------------------------------


@strawberry.input(description="What every mutation input accepts.")
class MutationInput:
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key and input returns the first answer and "
        "changes nothing; the same key with another input is refused.",
    )


@strawberry.input
class CreateTeamInput(MutationInput):
    name: str
    parent_id: ID | None = None
    stake_unit: str | None = strawberry.field(
        default=None, description="What bets stake; person-days by default."
    )


@strawberry.input
class OpenCycleInput(MutationInput):
    name: str = strawberry.field(description='e.g. "2026" or "2026-Q4"; unique.')
    kind: CycleKind
    starts_on: date
    ends_on: date
    parent_id: ID | None = strawberry.field(
        default=None, description="The annual cycle of a quarter."
    )


@strawberry.input
class CloseCycleInput(MutationInput):
    id: ID
    expected_version: int | None = None


@strawberry.input
class CreateObjectiveInput(MutationInput):
    cycle_id: ID
    team_id: ID
    title: str
    description: str | None = None
    kind: ObjectiveKind = ObjectiveKind.ASPIRATIONAL
    parent_key_result_id: ID | None = strawberry.field(
        default=None, description="The key result of the level above this cascades from."
    )
    aligned_with: list[ID] | None = strawberry.field(
        default=None, description="Objectives of other teams this one aligns with."
    )


@strawberry.input
class UpdateObjectiveInput(MutationInput):
    id: ID
    expected_version: int
    title: str | None = UNSET
    description: str | None = UNSET
    kind: ObjectiveKind | None = UNSET
    status: ObjectiveStatus | None = UNSET


@strawberry.input(description="Fields left out keep their value; null removes the parent.")
class AlignObjectiveInput(MutationInput):
    id: ID
    expected_version: int
    parent_key_result_id: ID | None = UNSET
    aligned_with: list[ID] | None = UNSET


@strawberry.input(description="Either a metric (startValue, targetValue, unit) or milestones.")
class AddKeyResultInput(MutationInput):
    objective_id: ID
    title: str
    weight: float = 1.0
    start_value: float | None = None
    target_value: float | None = None
    unit: str | None = None
    milestones: list[str] | None = None


@strawberry.input(description="Changing startValue or targetValue needs a reason.")
class UpdateKeyResultInput(MutationInput):
    id: ID
    expected_version: int
    title: str | None = UNSET
    weight: float | None = UNSET
    unit: str | None = UNSET
    start_value: float | None = UNSET
    target_value: float | None = UNSET
    reason: str | None = None


@strawberry.input
class RecordCheckInInput(MutationInput):
    key_result_id: ID
    value: float | None = strawberry.field(default=None, description="For a metric key result.")
    milestones_done: int | None = strawberry.field(
        default=None, description="For a milestone key result."
    )
    confidence: float | None = None
    note: str | None = None
    as_of: date | None = strawberry.field(
        default=None, description="The date the value is true for; today by default."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Left out, the check-in lands after the latest one."
    )


@strawberry.input
class PlaceBetInput(MutationInput):
    key_result_id: ID
    title: str
    stake: float
    odds: float
    expected_impact: float
    hypothesis: str | None = None


@strawberry.input
class ResolveBetInput(MutationInput):
    id: ID
    outcome: BetOutcome
    actual_impact: float | None = None
    learning: str | None = None
    expected_version: int | None = None


@strawberry.input
class SetStakeBudgetInput(MutationInput):
    team_id: ID
    cycle_id: ID
    budget: float | None = strawberry.field(description="null removes the budget.")


# -- mutations ------------------------------------------------------------------------


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a team, optionally below another one.")
    async def create_team(self, info: Info, input: CreateTeamInput) -> Team:
        saved = await run(
            info,
            input,
            lambda app, actor: app.create_team(
                actor=actor,
                name=input.name,
                parent_id=input.parent_id,
                stake_unit=input.stake_unit,
            ),
        )
        return _found(await load_team(info, saved.id))

    @strawberry.mutation(description="Open an annual cycle, or a quarter inside one.")
    async def open_cycle(self, info: Info, input: OpenCycleInput) -> Cycle:
        saved = await run(
            info,
            input,
            lambda app, actor: app.open_cycle(
                actor=actor,
                name=input.name,
                kind=input.kind.value,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                parent_id=input.parent_id,
            ),
        )
        return _found(await load_cycle(info, saved.id))

    @strawberry.mutation(
        description="Close a cycle: freezes every key result's grade; its OKRs turn read-only."
    )
    async def close_cycle(self, info: Info, input: CloseCycleInput) -> Cycle:
        saved = await run(
            info,
            input,
            lambda app, actor: app.close_cycle(
                actor=actor, cycle_id=input.id, expected_version=input.expected_version
            ),
        )
        return _found(await load_cycle(info, saved.id))

    @strawberry.mutation(description="Set an objective for a team in a cycle.")
    async def create_objective(self, info: Info, input: CreateObjectiveInput) -> Objective:
        saved = await run(
            info,
            input,
            lambda app, actor: app.create_objective(
                actor=actor,
                cycle_id=input.cycle_id,
                team_id=input.team_id,
                title=input.title,
                description=input.description,
                kind=input.kind.value,
                parent_key_result_id=input.parent_key_result_id,
                aligned_with=[str(i) for i in input.aligned_with or []],
            ),
        )
        return _found(await load_objective(info, saved.id))

    @strawberry.mutation(description="Edit an objective's title, description, kind or status.")
    async def update_objective(self, info: Info, input: UpdateObjectiveInput) -> Objective:
        saved = await run(
            info,
            input,
            lambda app, actor: app.update_objective(
                actor=actor,
                objective_id=input.id,
                expected_version=input.expected_version,
                title=keep_required(input.title, "title"),
                description=keep(input.description),
                kind=keep_required(input.kind, "kind"),
                status=keep_required(input.status, "status"),
            ),
        )
        return _found(await load_objective(info, saved.id))

    @strawberry.mutation(
        description="Re-point an objective's cascade (parent key result) and its "
        "horizontal alignment."
    )
    async def align_objective(self, info: Info, input: AlignObjectiveInput) -> Objective:
        aligned = input.aligned_with
        saved = await run(
            info,
            input,
            lambda app, actor: app.align_objective(
                actor=actor,
                objective_id=input.id,
                expected_version=input.expected_version,
                parent_key_result_id=keep(input.parent_key_result_id),
                aligned_with=KEEP if aligned is UNSET else [str(i) for i in aligned or []],
            ),
        )
        return _found(await load_objective(info, saved.id))

    @strawberry.mutation(description="Add a key result to an objective.")
    async def add_key_result(self, info: Info, input: AddKeyResultInput) -> KeyResult:
        saved = await run(
            info,
            input,
            lambda app, actor: app.add_key_result(
                actor=actor,
                objective_id=input.objective_id,
                title=input.title,
                weight=input.weight,
                start_value=input.start_value,
                target_value=input.target_value,
                unit=input.unit,
                milestones=input.milestones,
            ),
        )
        return _found(await load_key_result(info, saved.id))

    @strawberry.mutation(
        description="Edit a key result; a change of start or target needs a reason."
    )
    async def update_key_result(self, info: Info, input: UpdateKeyResultInput) -> KeyResult:
        saved = await run(
            info,
            input,
            lambda app, actor: app.update_key_result(
                actor=actor,
                key_result_id=input.id,
                expected_version=input.expected_version,
                title=keep_required(input.title, "title"),
                weight=keep_required(input.weight, "weight"),
                unit=keep(input.unit),
                start_value=keep_required(input.start_value, "startValue"),
                target_value=keep_required(input.target_value, "targetValue"),
                reason=input.reason,
            ),
        )
        return _found(await load_key_result(info, saved.id))

    @strawberry.mutation(description="Record where a key result stands, as of a date.")
    async def record_check_in(self, info: Info, input: RecordCheckInInput) -> KeyResult:
        saved = await run(
            info,
            input,
            lambda app, actor: app.record_check_in(
                actor=actor,
                key_result_id=input.key_result_id,
                value=input.value,
                milestones_done=input.milestones_done,
                confidence=input.confidence,
                note=input.note,
                as_of=input.as_of,
                expected_version=input.expected_version,
            ),
        )
        return _found(await load_key_result(info, saved.id))

    @strawberry.mutation(
        description="Place a bet on a key result; refused past the team's stake budget."
    )
    async def place_bet(self, info: Info, input: PlaceBetInput) -> Bet:
        saved = await run(
            info,
            input,
            lambda app, actor: app.place_bet(
                actor=actor,
                key_result_id=input.key_result_id,
                title=input.title,
                hypothesis=input.hypothesis,
                stake=input.stake,
                odds=input.odds,
                expected_impact=input.expected_impact,
            ),
        )
        return _found(await load_bet(info, saved.id))

    @strawberry.mutation(description="Record how a bet ended and what the team learned.")
    async def resolve_bet(self, info: Info, input: ResolveBetInput) -> Bet:
        saved = await run(
            info,
            input,
            lambda app, actor: app.resolve_bet(
                actor=actor,
                bet_id=input.id,
                outcome=input.outcome.value,
                actual_impact=input.actual_impact,
                learning=input.learning,
                expected_version=input.expected_version,
            ),
        )
        return _found(await load_bet(info, saved.id))

    @strawberry.mutation(description="Set (or, with null, remove) a team's stake budget.")
    async def set_stake_budget(self, info: Info, input: SetStakeBudgetInput) -> Portfolio:
        await run(
            info,
            input,
            lambda app, actor: app.set_stake_budget(
                actor=actor, team_id=input.team_id, cycle_id=input.cycle_id, budget=input.budget
            ),
        )
        return await load_portfolio(info, str(input.team_id), str(input.cycle_id))
