"""Read operations: every query is served from the views, never from the event log."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry

from gateway.schema import loading
from gateway.schema.connection import (
    After,
    Before,
    Connection,
    First,
    Last,
    Page,
    page_of,
    paginate,
)
from gateway.schema.context import Info
from gateway.schema.enums import ActionStatus, CycleKind
from gateway.schema.errors import OkraError, not_found
from gateway.schema.lists import (
    CycleListStatus,
    ObjectiveListStatus,
    TeamListStatus,
    cycle_statuses,
    objective_statuses,
    team_statuses,
)
from gateway.schema.types import (
    Action,
    Alignment,
    Bet,
    Cycle,
    KeyResult,
    Node,
    Objective,
    Portfolio,
    Team,
)
from gateway.schema.types.node import find_node
from projections.views import ACTIONS, CYCLES, OBJECTIVES, TEAMS

NODES_MAX = 100
SEARCH_MAX = 200

# The filters of a list of objectives, now or as of a moment.
OfCycle = Annotated[
    strawberry.ID | None, strawberry.argument(description="Only the objectives of this cycle.")
]
OfTeam = Annotated[
    strawberry.ID | None, strawberry.argument(description="Only the objectives of this team.")
]


def objectives_of(cycle_id: strawberry.ID | None, team_id: strawberry.ID | None) -> dict[str, Any]:
    where: dict[str, Any] = {}
    if cycle_id is not None:
        where["cycle_id"] = str(cycle_id)
    if team_id is not None:
        where["team_id"] = str(team_id)
    return where


@strawberry.type
class Query:
    @strawberry.field(
        description="Any object with an id (Relay's object identification): the id of a "
        "team, cycle, objective, key result, check-in, bet, action, portfolio, strategy map or "
        "of an answer given asOf. Null for an id no field handed out."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The object's id.")],
    ) -> Node | None:
        return await find_node(info, str(id))

    @strawberry.field(
        description=f"Several objects by id at once, in the order asked (at most {NODES_MAX}); "
        "null in the place of an id no field handed out."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="The objects' ids.")],
    ) -> list[Node | None]:
        if len(ids) > NODES_MAX:
            raise OkraError(f"ids: at most {NODES_MAX}", "BAD_USER_INPUT", "ids")
        return list(await asyncio.gather(*(find_node(info, str(i)) for i in ids)))

    @strawberry.field(
        description="Teams in the order they were created: the active ones unless asked "
        "for others with status."
    )
    async def teams(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        status: Annotated[
            TeamListStatus | None,
            strawberry.argument(description="Which teams; left out: ACTIVE (not archived)."),
        ] = None,
    ) -> Connection[Team]:
        page = Page.of(first, after, last, before)
        statuses = team_statuses(status)
        where: dict[str, Any] = {} if statuses is None else {"status": statuses}
        return await paginate(info, TEAMS, where, Team.from_doc, page)

    @strawberry.field(description="One team, or null.")
    async def team(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The team's id.")],
    ) -> Team | None:
        return await loading.team(info, id)

    @strawberry.field(
        description="Cycles, optionally of one kind or status: open and closed ones unless "
        "asked for cancelled ones with status."
    )
    async def cycles(
        self,
        info: Info,
        kind: Annotated[
            CycleKind | None, strawberry.argument(description="Only cycles of this kind.")
        ] = None,
        status: Annotated[
            CycleListStatus | None,
            strawberry.argument(description="Which cycles; left out: OPEN and CLOSED."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Cycle]:
        page = Page.of(first, after, last, before)
        where: dict[str, Any] = {}
        if kind is not None:
            where["kind"] = kind.value
        statuses = cycle_statuses(status)
        if statuses is not None:
            where["status"] = statuses
        return await paginate(info, CYCLES, where, Cycle.from_doc, page)

    @strawberry.field(description="One cycle, or null.")
    async def cycle(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The cycle's id.")],
    ) -> Cycle | None:
        return await loading.cycle(info, id)

    @strawberry.field(
        description="Objectives of a cycle, a team and/or an owner, in creation order: "
        "active and closed ones unless asked for archived ones with status."
    )
    async def objectives(
        self,
        info: Info,
        cycle_id: OfCycle = None,
        team_id: OfTeam = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        owner_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the objectives this person owns."),
        ] = None,
        status: Annotated[
            ObjectiveListStatus | None,
            strawberry.argument(description="Which objectives; left out: ACTIVE and CLOSED."),
        ] = None,
    ) -> Connection[Objective]:
        page = Page.of(first, after, last, before)
        where = objectives_of(cycle_id, team_id)
        if owner_id is not None:
            where["owner_id"] = str(owner_id)
        statuses = objective_statuses(status)
        if statuses is not None:
            where["status"] = statuses
        return await paginate(info, OBJECTIVES, where, Objective.from_doc, page)

    @strawberry.field(description="One objective, or null.")
    async def objective(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The objective's id.")],
    ) -> Objective | None:
        return await loading.objective(info, id)

    @strawberry.field(description="One key result, or null.")
    async def key_result(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The key result's id.")],
    ) -> KeyResult | None:
        return await loading.key_result(info, id)

    @strawberry.field(description="One bet, or null.")
    async def bet(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The bet's id.")],
    ) -> Bet | None:
        return await loading.bet(info, id)

    @strawberry.field(description="One action (an idea, or the action of a bet), or null.")
    async def action(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The action's id.")],
    ) -> Action | None:
        return await loading.action(info, id)

    @strawberry.field(
        description="Actions across the organisation, in the order they were proposed: where "
        "a team can help (e.g. the key ideas of a quarter mentioning onboarding)."
    )
    async def actions(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Words that must all appear in the title, hypothesis or "
                "description (any case)."
            ),
        ] = None,
        team_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this team's actions.")
        ] = None,
        key_result_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the actions on this key result."),
        ] = None,
        cycle_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only the actions of this cycle.")
        ] = None,
        status: Annotated[
            ActionStatus | None, strawberry.argument(description="Only actions with this status.")
        ] = None,
        key: Annotated[
            bool | None,
            strawberry.argument(description="true: only key actions; false: only the others."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Action]:
        page = Page.of(first, after, last, before)
        where: dict[str, Any] = {}
        for column, value in (
            ("team_id", team_id),
            ("key_result_id", key_result_id),
            ("cycle_id", cycle_id),
            ("status", status.value if status else None),
        ):
            if value is not None:
                where[column] = str(value)
        if search is not None and len(search) > SEARCH_MAX:
            raise OkraError(f"search: at most {SEARCH_MAX} characters", "BAD_USER_INPUT", "search")
        words = (search or "").casefold().split()
        docs = [
            doc
            for doc in await info.context.backend.store.find(ACTIONS, where)
            if (key is None or doc["key"] == key) and all(w in doc["search"] for w in words)
        ]
        return page_of(docs, Action.from_doc, page)

    @strawberry.field(description="A team's bets in a cycle, its stake budget and what is left.")
    async def portfolio(
        self,
        info: Info,
        team_id: Annotated[
            strawberry.ID, strawberry.argument(description="The team whose bets it holds.")
        ],
        cycle_id: Annotated[
            strawberry.ID, strawberry.argument(description="The cycle of those bets.")
        ],
    ) -> Portfolio:
        return await Portfolio.load(info, str(team_id), str(cycle_id))

    @strawberry.field(
        description="The cycle's objectives as a tree through their parent key results, "
        "with their ancestors and descendants from other cycles."
    )
    async def alignment(
        self,
        info: Info,
        cycle_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The cycle whose objectives make the tree."),
        ],
    ) -> Alignment:
        if await loading.cycle(info, cycle_id) is None:
            raise not_found("Cycle", cycle_id, "cycleId")
        return await Alignment.build(info, str(cycle_id))
