"""Score trends over GraphQL: a key result's, an objective's or a team's score per day
or week, placed by the check-ins' asOf dates (rules in :mod:`projections.trends`)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum
from typing import Annotated

import strawberry

from domain.model import rules
from domain.model.objective import objective_of
from domain.model.scoring import band
from gateway.schema import loading
from gateway.schema.choices import choice
from gateway.schema.context import Info
from gateway.schema.enums import ScoreBand
from gateway.schema.errors import OkraError, not_found
from gateway.schema.types import KeyResult, Objective, Team
from projections import trends

DEFAULT_TEAM_DAYS = 84  # a team trend without a cycle or a range: the last twelve weeks


@strawberry.enum(description="How far apart the points of a trend are.")
class TrendBucket(Enum):
    DAY = choice("DAY", description="One point per day.")
    WEEK = choice("WEEK", description="One point per week (Monday to Sunday), at its last day.")


@strawberry.type(description="Where a score stood at the end of one day or week.")
class TrendPoint:
    at: date = strawberry.field(
        description="The day the point stands for: the day itself, or the week's last day "
        "(Sunday; the range's last day for a week it cuts)."
    )
    score: float | None = strawberry.field(
        description="The score as of that day, by the check-ins' asOf; null when nothing "
        "was there to score yet."
    )
    confidence: float | None = strawberry.field(
        description="The confidence of those check-ins (rolled up by weight); null without."
    )

    @strawberry.field(description="The score's Google band.")
    def score_band(self) -> ScoreBand | None:
        return band(self.score)


@strawberry.type(description="A score over time, one point per day or week.")
class ScoreTrend:
    bucket: TrendBucket = strawberry.field(description="How far apart the points are.")
    starts_on: date = strawberry.field(description="The first day of the range.")
    ends_on: date = strawberry.field(description="The last day of the range.")
    points: list[TrendPoint] = strawberry.field(description="Oldest first.")
    key_result: KeyResult | None = strawberry.field(description="The key result, if asked.")
    objective: Objective | None = strawberry.field(description="The objective, if asked.")
    team: Team | None = strawberry.field(description="The team, if asked.")


def _bad(field: str, rule: str) -> OkraError:
    return OkraError(f"{field}: {rule}", "BAD_USER_INPUT", field)


def exactly_one(**given: object) -> str:
    named = [name for name, value in given.items() if value is not None]
    if len(named) != 1:
        field = named[1] if len(named) > 1 else next(iter(given))
        raise _bad(field, "give exactly one of keyResultId, objectiveId, teamId")
    return named[0]


def _range(
    starts: date | None, ends: date | None, default: tuple[date, date], bucket: TrendBucket
) -> tuple[date, date, list[date]]:
    for field, day in (("from", starts), ("to", ends)):
        if day is not None and not rules.FIRST_DAY <= day <= rules.LAST_DAY:
            raise _bad(field, f"must be between {rules.FIRST_DAY} and {rules.LAST_DAY}")
    first = starts or default[0]
    last = ends or max(first, default[1])
    if last < first:
        raise _bad("to", "must not be before from")
    if (last - first).days + 1 > trends.MAX_POINTS * (7 if bucket is TrendBucket.WEEK else 1):
        raise _bad("to", f"at most {trends.MAX_POINTS} points: shorten the range or use WEEK")
    return first, last, trends.buckets(first, last, bucket.value)


async def score_trend(
    info: Info,
    key_result_id: str | None,
    objective_id: str | None,
    team_id: str | None,
    cycle_id: str | None,
    starts: date | None,
    ends: date | None,
    bucket: TrendBucket,
) -> ScoreTrend:
    heavy = info.context.backend.heavy.compute
    which = exactly_one(keyResultId=key_result_id, objectiveId=objective_id, teamId=team_id)
    loaders = info.context.loaders
    today = info.context.backend.app.clock().date()
    cycle = await loaders.cycle.load(cycle_id) if cycle_id is not None else None
    if cycle_id is not None and cycle is None:
        raise not_found("Cycle", cycle_id, "cycleId")

    span = trends.span

    if which == "teamId":
        assert team_id is not None
        team = await loading.team(info, team_id)
        if team is None:
            raise not_found("Team", team_id, "teamId")
        objectives = await trends.team_objectives(info.context.backend.store, team_id, cycle_id)
        default = (
            trends.cycle_range(cycle, today)
            if cycle
            else (today - timedelta(days=DEFAULT_TEAM_DAYS - 1), today)
        )
        first, last, days = _range(starts, ends, default, bucket)
        return ScoreTrend(
            bucket=bucket,
            starts_on=first,
            ends_on=last,
            points=_points(await heavy(trends.team_trend, objectives, days)),
            key_result=None,
            objective=None,
            team=team,
        )

    field = which
    wanted = objective_id if which == "objectiveId" else objective_of(str(key_result_id))
    doc = await loaders.objective.load(str(wanted)) if wanted is not None else None
    row = None
    if doc is not None and which == "keyResultId":
        row = next((kr for kr in doc["key_results"] if kr["id"] == key_result_id), None)
    if doc is None or (which == "keyResultId" and row is None):
        entity = "KeyResult" if which == "keyResultId" else "Objective"
        raise not_found(entity, str(key_result_id or objective_id), field)
    if cycle_id is not None and doc["cycle_id"] != cycle_id:
        raise _bad("cycleId", f"the {which[:-2]} belongs to another cycle")
    own_cycle = await loaders.cycle.load(doc["cycle_id"])
    assert own_cycle is not None
    default = trends.cycle_range(own_cycle, today)
    first, last, days = _range(starts, ends, default, bucket)
    first_days = {doc["cycle_id"]: span(own_cycle)[0]}
    store = info.context.backend.store
    key_results = (await trends.key_result_histories(store, [doc], first_days))[doc["id"]]
    if row is not None:
        history = next(h for h in key_results if h.row["id"] == row["id"])
        points = await heavy(trends.key_result_trend, history, days)
    else:
        objective = trends.ObjectiveHistory(doc, key_results, span(own_cycle))
        points = await heavy(trends.objective_trend, objective, days)
    return ScoreTrend(
        bucket=bucket,
        starts_on=first,
        ends_on=last,
        points=_points(points),
        key_result=KeyResult.from_doc(row) if row is not None else None,
        objective=Objective.from_doc(doc) if row is None else None,
        team=None,
    )


def _points(points: list[trends.Point]) -> list[TrendPoint]:
    return [TrendPoint(at=p.at, score=p.score, confidence=p.confidence) for p in points]


@strawberry.type
class TrendsQuery:
    @strawberry.field(
        description="A score over time: of a key result, an objective (its key results by "
        "weight) or a team (the mean of its objectives), per day or week. Points are "
        "placed by each check-in's asOf, so a backdated check-in changes the trend at its "
        "own date; weights and targets are those in force on each day. Give exactly one "
        "of keyResultId, objectiveId, teamId. The range defaults to the cycle, up to today."
    )
    async def score_trend(
        self,
        info: Info,
        key_result_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The trend of this key result.")
        ] = None,
        objective_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The trend of this objective.")
        ] = None,
        team_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The trend of this team.")
        ] = None,
        cycle_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="For a team: only its objectives of this cycle (else those "
                "whose cycle spans each day). For a key result or objective: its cycle."
            ),
        ] = None,
        from_: Annotated[
            date | None,
            strawberry.argument(name="from", description="The first day; default: the cycle's."),
        ] = None,
        to: Annotated[
            date | None,
            strawberry.argument(description="The last day; default: the cycle's last, or today."),
        ] = None,
        bucket: Annotated[
            TrendBucket, strawberry.argument(description="One point per DAY or per WEEK.")
        ] = TrendBucket.WEEK,
    ) -> ScoreTrend:
        return await score_trend(
            info,
            None if key_result_id is None else str(key_result_id),
            None if objective_id is None else str(objective_id),
            None if team_id is None else str(team_id),
            None if cycle_id is None else str(cycle_id),
            from_,
            to,
            bucket,
        )
