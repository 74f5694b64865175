"""The team tree: one stream that every change of the organisation's shape goes through.

Two rules span teams: names are unique (ignoring case and surrounding space), and the
tree has no loops. Checked against each team's own stream, two concurrent commands
would each pass against the other's old state (two "Platform" teams; A moved under B
while B moves under A). Every create, rename, move and archive also records the team's
place here, in the same save, so such commands collide on this stream and the retry of
the loser sees the winner's change.

Stores from before this stream existed are read once from their ``TeamCreated``
events when it is first opened (see ``domain.application.handlers.teams``); names that
already clash there stay: the rules apply to new commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import InvalidInput

TREE_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/team-tree")


def name_key(name: str) -> str:
    return name.strip().casefold()


class TeamTree(OkraAggregate):
    entity = "TeamTree"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        teams: dict[str, dict[str, Any]]  # team id -> {name, parent_id, archived}

    @staticmethod
    def id_for() -> UUID:
        return uuid5(TREE_NAMESPACE, "organisation")

    class TreeOpened(OkraAggregate.Created):
        """The tree, opened with the teams that existed before it."""

        teams: dict[str, dict[str, Any]]

    class TeamPlaced(OkraAggregate.Event):
        """A team's name, parent and whether it is archived, as they now are."""

        team_id: str
        name: str
        parent_id: str | None
        archived: bool

        def apply(self, tree: TeamTree) -> None:
            tree.teams[self.team_id] = {
                "name": self.name,
                "parent_id": self.parent_id,
                "archived": self.archived,
            }

    @classmethod
    def open(cls, stamp: Stamp, teams: dict[str, dict[str, Any]]) -> TeamTree:
        return cls._create(
            cls.TreeOpened, id=cls.id_for(), actor=stamp.actor, timestamp=stamp.at, teams=teams
        )

    def check_name(self, name: str, field: str, team_id: str | None = None) -> None:
        """No other team has that name, ignoring case and surrounding space."""
        key = name_key(name)
        for other_id, team in self.teams.items():
            if other_id != team_id and name_key(team["name"]) == key:
                raise InvalidInput(field, f"a team named {team['name']} already exists")

    def check_parent(self, team_id: str, parent_id: str | None, field: str) -> None:
        """The team may sit below ``parent_id``: not itself, nor one of its descendants."""
        seen = set()
        current = parent_id
        while current is not None and current not in seen:
            if current == team_id:
                raise InvalidInput(field, "a team cannot move under itself or a team below it")
            seen.add(current)
            current = self.teams.get(current, {}).get("parent_id")

    def children_of(self, team_id: str) -> list[str]:
        return [t for t, team in self.teams.items() if team["parent_id"] == team_id]

    def place(
        self, stamp: Stamp, team_id: UUID | str, name: str, parent_id: str | None, archived: bool
    ) -> None:
        self.record(
            self.TeamPlaced,
            stamp,
            team_id=str(team_id),
            name=name,
            parent_id=parent_id,
            archived=archived,
        )
