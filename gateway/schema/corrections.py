"""Mutations that continue or correct history: carry an objective over, regrade a key
result of a closed cycle. Both go through :func:`gateway.schema.mutation.run` like
every write: a token, the team's authorisation, an idempotency key."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.schema.context import Info
from gateway.schema.mutation import MutationInput, _found, run
from gateway.schema.types import KeyResult, Objective, load_key_result, load_objective


@strawberry.input(description="Which objective to carry over, and into which cycle.")
class CarryOverObjectiveInput(MutationInput):
    id: strawberry.ID = strawberry.field(description="The objective to carry over.")
    to_cycle_id: strawberry.ID = strawberry.field(
        description="An open cycle that starts after the objective's own."
    )


@strawberry.input(description="A corrected grade for a key result of a closed cycle.")
class RegradeKeyResultInput(MutationInput):
    id: strawberry.ID = strawberry.field(description="The key result.")
    grade: float = strawberry.field(description="The corrected grade, 0–1.")
    reason: str = strawberry.field(description="Why the grade changes; required.")
    expected_version: int | None = strawberry.field(
        default=None, description="The key result's version you read; left out, no check."
    )


@strawberry.type
class CorrectionsMutation:
    @strawberry.mutation(
        description="Start an objective again in a later, open cycle: its key results are "
        "re-baselined at their last value (reached ones stay behind), no check-in is "
        "copied, and both objectives link to each other. Answers the new objective."
    )
    async def carry_over_objective(
        self,
        info: Info,
        input: Annotated[
            CarryOverObjectiveInput,
            strawberry.argument(description="The objective and the cycle to carry it into."),
        ],
    ) -> Objective:
        saved = await run(
            info,
            input,
            lambda app, actor: app.carry_over_objective(
                actor=actor, objective_id=str(input.id), to_cycle_id=str(input.to_cycle_id)
            ),
        )
        return _found(await load_objective(info, saved.id))

    @strawberry.mutation(
        description="Correct the grade a closed cycle froze for a key result. The original "
        "grade stays visible (originalGrade, gradeCorrections, the audit trail)."
    )
    async def regrade_key_result(
        self,
        info: Info,
        input: Annotated[
            RegradeKeyResultInput,
            strawberry.argument(description="The key result, its corrected grade and why."),
        ],
    ) -> KeyResult:
        saved = await run(
            info,
            input,
            lambda app, actor: app.regrade_key_result(
                actor=actor,
                key_result_id=str(input.id),
                grade=input.grade,
                reason=input.reason,
                expected_version=input.expected_version,
            ),
        )
        return _found(await load_key_result(info, saved.id))
