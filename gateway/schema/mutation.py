"""Write operations: each takes one ``input``, runs one domain command and answers
with the changed entity as the views show it once the command's events are in them
(read-your-writes)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Annotated, Any, TypeVar

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


@strawberry.input(description="A new team, at the top or below another team.")
class CreateTeamInput(MutationInput):
    name: str = strawberry.field(description="The team's name, 1–200 characters.")
    parent_id: ID | None = strawberry.field(
        default=None, description="The team it belongs to; null for a top-level team."
    )
    stake_unit: str | None = strawberry.field(
        default=None, description="What bets stake; person-days by default."
    )


@strawberry.input(description="A new annual cycle, or a quarter inside one.")
class OpenCycleInput(MutationInput):
    name: str = strawberry.field(description='e.g. "2026" or "2026-Q4"; unique.')
    kind: CycleKind = strawberry.field(description="Annual, or a quarter (which needs parentId).")
    starts_on: date = strawberry.field(description="The cycle's first day.")
    ends_on: date = strawberry.field(
        description="The cycle's last day; a quarter lies inside its year."
    )
    parent_id: ID | None = strawberry.field(
        default=None, description="The annual cycle of a quarter."
    )


@strawberry.input(description="The cycle to close and grade.")
class CloseCycleInput(MutationInput):
    id: ID = strawberry.field(description="The cycle to close.")
    expected_version: int | None = strawberry.field(
        default=None, description="The cycle's version you read; left out, no check."
    )


@strawberry.input(description="A new objective of a team in a cycle.")
class CreateObjectiveInput(MutationInput):
    cycle_id: ID = strawberry.field(description="The open cycle it belongs to.")
    team_id: ID = strawberry.field(description="The team that owns it.")
    title: str = strawberry.field(description="What the team wants to achieve, 1–200 characters.")
    description: str | None = strawberry.field(default=None, description="Why it matters.")
    kind: ObjectiveKind = strawberry.field(
        default=ObjectiveKind.ASPIRATIONAL,
        description="Committed (expected at 1.0) or aspirational (the default).",
    )
    parent_key_result_id: ID | None = strawberry.field(
        default=None, description="The key result of the level above this cascades from."
    )
    aligned_with: list[ID] | None = strawberry.field(
        default=None, description="Objectives of other teams this one aligns with."
    )


@strawberry.input(description="Fields left out keep their value.")
class UpdateObjectiveInput(MutationInput):
    id: ID = strawberry.field(description="The objective to edit.")
    expected_version: int = strawberry.field(description="The objective's version you read.")
    title: str | None = strawberry.field(
        default=UNSET, description="A new title, 1–200 characters."
    )
    description: str | None = strawberry.field(
        default=UNSET, description="A new description; null clears it."
    )
    kind: ObjectiveKind | None = strawberry.field(
        default=UNSET, description="Committed or aspirational."
    )
    status: ObjectiveStatus | None = strawberry.field(
        default=UNSET, description="Active, or archived."
    )


@strawberry.input(description="Fields left out keep their value; null removes the parent.")
class AlignObjectiveInput(MutationInput):
    id: ID = strawberry.field(description="The objective to re-align.")
    expected_version: int = strawberry.field(description="The objective's version you read.")
    parent_key_result_id: ID | None = strawberry.field(
        default=UNSET,
        description="The key result of the level above it cascades from; null removes it.",
    )
    aligned_with: list[ID] | None = strawberry.field(
        default=UNSET, description="Objectives of other teams it aligns with (replaces the list)."
    )


@strawberry.input(description="Either a metric (startValue, targetValue, unit) or milestones.")
class AddKeyResultInput(MutationInput):
    objective_id: ID = strawberry.field(description="The objective it measures.")
    title: str = strawberry.field(description="What is measured, 1–200 characters.")
    weight: float = strawberry.field(
        default=1.0, description="Its share in the objective's score, in (0, 100]."
    )
    start_value: float | None = strawberry.field(default=None, description="Where a metric starts.")
    target_value: float | None = strawberry.field(
        default=None, description="Where a metric should get to; different from the start."
    )
    unit: str | None = strawberry.field(default=None, description="The metric's unit, e.g. %.")
    milestones: list[str] | None = strawberry.field(
        default=None,
        description="The milestones, in the order they will be done (instead of a metric).",
    )


@strawberry.input(description="Changing startValue or targetValue needs a reason.")
class UpdateKeyResultInput(MutationInput):
    id: ID = strawberry.field(description="The key result to edit.")
    expected_version: int = strawberry.field(description="The key result's version you read.")
    title: str | None = strawberry.field(
        default=UNSET, description="A new title, 1–200 characters."
    )
    weight: float | None = strawberry.field(default=UNSET, description="A new weight, in (0, 100].")
    unit: str | None = strawberry.field(default=UNSET, description="A new unit; null clears it.")
    start_value: float | None = strawberry.field(
        default=UNSET, description="A new start value (needs reason)."
    )
    target_value: float | None = strawberry.field(
        default=UNSET, description="A new target value (needs reason)."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why the start or target changed; kept in the history."
    )


@strawberry.input(
    description="Send value for a metric key result, milestonesDone for a milestone one."
)
class RecordCheckInInput(MutationInput):
    key_result_id: ID = strawberry.field(description="The key result measured.")
    value: float | None = strawberry.field(default=None, description="For a metric key result.")
    milestones_done: int | None = strawberry.field(
        default=None, description="For a milestone key result."
    )
    confidence: float | None = strawberry.field(
        default=None, description="How likely the team now thinks the target is reached, 0–1."
    )
    note: str | None = strawberry.field(
        default=None, description="What the team wants to say with it."
    )
    as_of: date | None = strawberry.field(
        default=None, description="The date the value is true for; today by default."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Left out, the check-in lands after the latest one."
    )


@strawberry.input(
    description="A new bet on a key result: what it stakes, its odds and the impact it expects."
)
class PlaceBetInput(MutationInput):
    key_result_id: ID = strawberry.field(
        description="The key result it bets on (of an open cycle)."
    )
    title: str = strawberry.field(description="What the team will do, 1–200 characters.")
    stake: float = strawberry.field(
        description="What the team invests, in its stake unit; > 0, within its budget."
    )
    odds: float = strawberry.field(description="The probability it succeeds, in (0, 1].")
    expected_impact: float = strawberry.field(
        description="The change in the key result's value if it succeeds."
    )
    hypothesis: str | None = strawberry.field(
        default=None, description="Why the team expects it to move the key result."
    )


@strawberry.input(description="How a placed bet ended.")
class ResolveBetInput(MutationInput):
    id: ID = strawberry.field(description="The bet to resolve.")
    outcome: BetOutcome = strawberry.field(description="Validated, invalidated or withdrawn.")
    actual_impact: float | None = strawberry.field(
        default=None, description="The change in the key result's value it made."
    )
    learning: str | None = strawberry.field(default=None, description="What the team learned.")
    expected_version: int | None = strawberry.field(
        default=None, description="The bet's version you read; left out, no check."
    )


@strawberry.input(description="The most a team may stake on its bets in a cycle.")
class SetStakeBudgetInput(MutationInput):
    team_id: ID = strawberry.field(description="The team.")
    cycle_id: ID = strawberry.field(description="The cycle the budget is for.")
    budget: float | None = strawberry.field(description="null removes the budget.")


# -- mutations ------------------------------------------------------------------------


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a team, optionally below another one.")
    async def create_team(
        self,
        info: Info,
        input: Annotated[CreateTeamInput, strawberry.argument(description="The team to create.")],
    ) -> Team:
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
    async def open_cycle(
        self,
        info: Info,
        input: Annotated[OpenCycleInput, strawberry.argument(description="The cycle to open.")],
    ) -> Cycle:
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
    async def close_cycle(
        self,
        info: Info,
        input: Annotated[CloseCycleInput, strawberry.argument(description="The cycle to close.")],
    ) -> Cycle:
        saved = await run(
            info,
            input,
            lambda app, actor: app.close_cycle(
                actor=actor, cycle_id=input.id, expected_version=input.expected_version
            ),
        )
        return _found(await load_cycle(info, saved.id))

    @strawberry.mutation(description="Set an objective for a team in a cycle.")
    async def create_objective(
        self,
        info: Info,
        input: Annotated[
            CreateObjectiveInput, strawberry.argument(description="The objective to set.")
        ],
    ) -> Objective:
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
    async def update_objective(
        self,
        info: Info,
        input: Annotated[
            UpdateObjectiveInput,
            strawberry.argument(description="The objective and the fields to change."),
        ],
    ) -> Objective:
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
    async def align_objective(
        self,
        info: Info,
        input: Annotated[
            AlignObjectiveInput,
            strawberry.argument(description="The objective and its new alignment."),
        ],
    ) -> Objective:
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
    async def add_key_result(
        self,
        info: Info,
        input: Annotated[
            AddKeyResultInput, strawberry.argument(description="The key result to add.")
        ],
    ) -> KeyResult:
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
    async def update_key_result(
        self,
        info: Info,
        input: Annotated[
            UpdateKeyResultInput,
            strawberry.argument(description="The key result and the fields to change."),
        ],
    ) -> KeyResult:
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
    async def record_check_in(
        self,
        info: Info,
        input: Annotated[RecordCheckInInput, strawberry.argument(description="The measurement.")],
    ) -> KeyResult:
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
    async def place_bet(
        self,
        info: Info,
        input: Annotated[PlaceBetInput, strawberry.argument(description="The bet to place.")],
    ) -> Bet:
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
    async def resolve_bet(
        self,
        info: Info,
        input: Annotated[
            ResolveBetInput, strawberry.argument(description="The bet and how it ended.")
        ],
    ) -> Bet:
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
    async def set_stake_budget(
        self,
        info: Info,
        input: Annotated[
            SetStakeBudgetInput,
            strawberry.argument(description="The team, the cycle and the budget."),
        ],
    ) -> Portfolio:
        await run(
            info,
            input,
            lambda app, actor: app.set_stake_budget(
                actor=actor, team_id=input.team_id, cycle_id=input.cycle_id, budget=input.budget
            ),
        )
        return await load_portfolio(info, str(input.team_id), str(input.cycle_id))
