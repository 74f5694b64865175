"""The alignment audit over GraphQL, and the function other queries embed it with.

The retrospective of a closed cycle includes its audit: it calls
:func:`alignment_audit` (or adds a field returning :class:`AlignmentAudit`).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Annotated

import strawberry

from gateway.schema import loading
from gateway.schema.context import Info
from gateway.schema.enums import FindingEntityType, FindingKind, Severity
from gateway.schema.errors import OkraError, not_found
from gateway.schema.types import Action, Bet, Cycle, KeyResult, Objective, Team
from projections import audit, judged
from projections.views import TEAMS

AuditEntity = Annotated[
    Team | Objective | KeyResult | Bet | Action,
    strawberry.union("AuditEntity", description="What a finding is about."),
]


@strawberry.type(description="One thing the alignment audit found, and what to do about it.")
class Finding:
    kind: FindingKind = strawberry.field(description="What was found.")
    severity: Severity = strawberry.field(description="How urgent it is.")
    entity_type: FindingEntityType = strawberry.field(description="The kind of entity it is about.")
    entity_id: strawberry.ID = strawberry.field(description="The id of the entity it is about.")
    message: str = strawberry.field(description="What is wrong and what a person can do.")
    measured: float | None = strawberry.field(
        description="The figure that crossed the threshold (days, count, ratio, confidence)."
    )
    threshold: float | None = strawberry.field(description="The threshold it crossed.")
    team_id: strawberry.ID = strawberry.field(description="The team whose finding it is.")
    objective_id: strawberry.ID | None = strawberry.field(
        description="The objective concerned, if any."
    )

    @classmethod
    def of(cls, finding: audit.Finding) -> Finding:
        return cls(
            kind=finding.kind,
            severity=finding.severity,
            entity_type=finding.entity_type,
            entity_id=strawberry.ID(finding.entity_id),
            message=finding.message,
            measured=finding.measured,
            threshold=finding.threshold,
            team_id=strawberry.ID(finding.team_id),
            objective_id=strawberry.ID(finding.objective_id) if finding.objective_id else None,
        )

    @strawberry.field(
        description="The team, objective, key result, bet or action the finding is about."
    )
    async def entity(self, info: Info) -> AuditEntity | None:
        loader = {
            FindingEntityType.TEAM: loading.team,
            FindingEntityType.OBJECTIVE: loading.objective,
            FindingEntityType.KEY_RESULT: loading.key_result,
            FindingEntityType.BET: loading.bet,
            FindingEntityType.ACTION: loading.action,
        }[self.entity_type]
        return await loader(info, self.entity_id)

    @strawberry.field(description="The team whose finding it is.")
    async def team(self, info: Info) -> Team | None:
        return await loading.team(info, self.team_id)

    @strawberry.field(description="The objective concerned, if any.")
    async def objective(self, info: Info) -> Objective | None:
        return await loading.objective(info, self.objective_id)


@strawberry.type(description="How many findings of one kind the audit made.")
class FindingCount:
    kind: FindingKind = strawberry.field(description="The kind of finding.")
    severity: Severity = strawberry.field(description="Its severity.")
    count: int = strawberry.field(description="How many findings of that kind.")


@strawberry.type(description="The findings of the alignment audit of a cycle.")
class AlignmentAudit:
    cycle: Cycle = strawberry.field(description="The cycle audited.")
    team: Team | None = strawberry.field(description="The team audited; null: everyone.")
    evaluated_on: date = strawberry.field(
        description="The day the audit judged the cycle at: today, or the day it ended."
    )
    found: strawberry.Private[list[audit.Finding]]

    @strawberry.field(
        description="Most urgent kind first, then in the order the entities were created. "
        "A big organisation's cycle has tens of thousands: ask for some kinds or "
        "severities, or the first few (counts has them all)."
    )
    def findings(
        self,
        kinds: Annotated[
            list[FindingKind] | None,
            strawberry.argument(description="Only findings of these kinds."),
        ] = None,
        severities: Annotated[
            list[Severity] | None,
            strawberry.argument(description="Only findings of these severities."),
        ] = None,
        first: Annotated[
            int | None,
            strawberry.argument(description="At most this many (0 or more), in that order."),
        ] = None,
    ) -> list[Finding]:
        if first is not None and first < 0:
            raise OkraError("first: must be 0 or more", "BAD_USER_INPUT", "first")
        chosen: Iterable[audit.Finding] = self.found
        if kinds is not None:
            wanted = {audit.FindingKind(kind.value) for kind in kinds}
            chosen = (f for f in chosen if f.kind in wanted)
        if severities is not None:
            levels = {audit.Severity(level.value) for level in severities}
            chosen = (f for f in chosen if f.severity in levels)
        return [Finding.of(f) for f in itertools.islice(chosen, first)]

    @strawberry.field(description="The number of findings of each kind found, in report order.")
    def counts(self) -> list[FindingCount]:
        tally = Counter(finding.kind for finding in self.found)
        return [
            FindingCount(kind=kind, severity=audit.SEVERITY[kind], count=count)
            for kind, count in tally.items()
        ]


async def alignment_audit(
    info: Info, cycle_id: str, team_id: str | None = None, include_subteams: bool = True
) -> AlignmentAudit:
    """The audit of a cycle (open or closed), of every team or of one (and those below):
    settled from the projector's judgements (:mod:`projections.judged`), or from the
    documents when this gateway judges by other thresholds than the projector does."""
    backend = info.context.backend
    cycle = await info.context.loaders.cycle.load(cycle_id)
    if cycle is None:
        raise not_found("Cycle", cycle_id, "cycleId")
    team = await loading.team(info, team_id) if team_id is not None else None
    if team_id is not None and team is None:
        raise not_found("Team", team_id, "teamId")
    today = backend.app.clock().date()
    limits = backend.settings.audit.thresholds()
    scope = None
    if team_id is not None:
        teams = {t["id"]: t for t in await backend.store.find(TEAMS, {})}
        scope = audit.team_and_below(teams, team_id) if include_subteams else {team_id}
    # A team's audit reads its rows (and those below), not the cycle's.
    findings = await judged.audit_of(
        backend.store, cycle, today, limits, scope, backend.heavy.compute
    )
    return AlignmentAudit(
        cycle=Cycle.from_doc(cycle),
        team=team,
        evaluated_on=audit.evaluated_on(cycle, today),
        found=findings,
    )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="What the alignment audit finds in a cycle: orphan objectives, unserved, "
        "stale and at-risk key results, tangent bets, overloaded teams, untagged objectives. "
        "With teamId, that team's findings and (unless includeSubteams is false) those of "
        "the teams below it."
    )
    async def alignment_audit(
        self,
        info: Info,
        cycle_id: Annotated[
            strawberry.ID, strawberry.argument(description="The cycle to audit (open or closed).")
        ],
        team_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this team's findings (and those of the teams below it)."
            ),
        ] = None,
        include_subteams: Annotated[
            bool, strawberry.argument(description="false: only the findings of teamId itself.")
        ] = True,
    ) -> AlignmentAudit:
        return await alignment_audit(
            info, str(cycle_id), None if team_id is None else str(team_id), include_subteams
        )
