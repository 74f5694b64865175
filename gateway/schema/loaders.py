"""Per-request DataLoaders over the views: one query per view and relation, whatever
the shape or size of the GraphQL document that asks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from projections.documents import Doc
from projections.store import ViewStore
from projections.views import (
    ACTIONS,
    BETS,
    CHECK_INS,
    CYCLES,
    KEY_RESULT_OWNERS,
    MEMBERSHIPS,
    OBJECTIVES,
    PEOPLE,
    PORTFOLIOS,
    TEAMS,
    View,
)

Load = Callable[[list[str]], Awaitable[Sequence[Any]]]


class Loaders:
    def __init__(self, store: ViewStore) -> None:
        self.store = store
        self._by_id: dict[str, DataLoader[str, Doc | None]] = {}
        self.team = self.one(TEAMS)
        self.cycle = self.one(CYCLES)
        self.objective = self.one(OBJECTIVES)
        self.bet = self.one(BETS)
        self.portfolio = self.one(PORTFOLIOS)
        self.teams_by_parent = self._many(TEAMS, "parent_id")
        self.cycles_by_parent = self._many(CYCLES, "parent_id")
        self.objectives_by_parent_key_result = self._many(OBJECTIVES, "parent_key_result_id")
        self.objectives_by_cycle = self._many(OBJECTIVES, "cycle_id")
        self.objectives_by_team = self._many(OBJECTIVES, "team_id")
        self.objectives_by_team_and_cycle = self._pairs(OBJECTIVES, "team_id", "cycle_id")
        self.bets_by_key_result = self._many(BETS, "key_result_id")
        self.check_ins_by_key_result = self._many(CHECK_INS, "key_result_id")
        self.person = self.one(PEOPLE)
        self.people_by_handle = self._many(PEOPLE, "handle")
        self.memberships_by_team = self._many(MEMBERSHIPS, "team_id")
        self.objectives_by_owner = self._many(OBJECTIVES, "owner_id")
        self.key_results_by_owner = self._many(KEY_RESULT_OWNERS, "owner_id")
        self.bets_by_owner = self._many(BETS, "owner_id")
        self.action = self.one(ACTIONS)
        self.actions_by_key_result = self._many(ACTIONS, "key_result_id")
        self._all: list[DataLoader[Any, Any]] = [
            self.teams_by_parent,
            self.cycles_by_parent,
            self.objectives_by_parent_key_result,
            self.objectives_by_cycle,
            self.objectives_by_team,
            self.objectives_by_team_and_cycle,
            self.bets_by_key_result,
            self.check_ins_by_key_result,
            self.people_by_handle,
            self.memberships_by_team,
            self.objectives_by_owner,
            self.key_results_by_owner,
            self.bets_by_owner,
            self.actions_by_key_result,
        ]

    def clear(self) -> None:
        """Forget what this request read: a mutation has just changed the views."""
        for loader in (*self._by_id.values(), *self._all):
            loader.clear_all()

    def release(self) -> None:
        """Let go of every document read, once the operation is answered: the loaders
        sit in reference cycles (their load functions close over this object), so what
        they hold (their cache, their last batch's tasks and its results) would wait for
        the cyclic collector."""
        for loader in (*self._by_id.values(), *self._all):
            loader.clear_all()
            loader.batch = None

    def one(self, view: View) -> DataLoader[str, Doc | None]:
        """The view's documents by id (one loader per view and request, made on first use)."""
        if view.name not in self._by_id:

            async def load(ids: list[str]) -> list[Doc | None]:
                docs = await self.store.get(view, ids)
                return [docs.get(i) for i in ids]

            self._by_id[view.name] = DataLoader(load_fn=load)
        return self._by_id[view.name]

    def _many(self, view: View, column: str) -> DataLoader[str, list[Doc]]:
        async def load(keys: list[str]) -> list[list[Doc]]:
            groups: dict[str, list[Doc]] = defaultdict(list)
            for doc in await self.store.find(view, {column: keys}):
                groups[doc[column]].append(doc)
            return [groups.get(key, []) for key in keys]

        return DataLoader(load_fn=load)

    def _pairs(self, view: View, first: str, second: str) -> DataLoader[tuple[str, str], list[Doc]]:
        """Documents by two columns at once, in one query for every pair asked."""

        async def load(keys: list[tuple[str, str]]) -> list[list[Doc]]:
            groups: dict[tuple[str, str], list[Doc]] = defaultdict(list)
            where = {first: sorted({a for a, _ in keys}), second: sorted({b for _, b in keys})}
            for doc in await self.store.find(view, where):
                groups[(doc[first], doc[second])].append(doc)
            return [groups.get(key, []) for key in keys]

        return DataLoader(load_fn=load)
