"""The strategy map: the values an organisation holds and the constituents it serves.

There is one map per organisation, so its id is fixed: two concurrent first
definitions collide on the same stream instead of creating two maps.

Tags must never outlive the entries they name, even when an objective is tagged with
a value while another request removes it. So the tags of each cycle's objectives are
also noted in that cycle's :class:`StrategyTags` (its id derived from the cycle's),
which a tag saves together with the objective, and a revision that removes or
respells entries saves together with the map and with every open cycle's registry,
retagging the objectives it finds there. Whichever command saves second collides on
a registry (or, for a cycle's first tag, on the map) and is retried from a fresh
load: the tag is then refused, or found and removed. A registry per cycle, rather
than one for all time, keeps every stream a command loads bounded by a cycle's work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model import rules
from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import InvalidInput

STRATEGY_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/strategy-map")
DEFAULT_CONSTITUENTS = ("customers", "employees", "investors", "community", "partners")
ENTRIES_MAX = 50
ENTRY_MAX = 100


def entries(names: Iterable[str], field: str) -> list[str]:
    """Trimmed, distinct (ignoring case) entry names, in the order given."""
    result: list[str] = []
    seen: set[str] = set()
    for name in names:
        trimmed = rules.clean(name, field).strip()
        if not 1 <= len(trimmed) <= ENTRY_MAX:
            raise InvalidInput(field, f"each entry must be 1–{ENTRY_MAX} characters after trimming")
        if not rules.visible(trimmed):
            raise InvalidInput(field, "each entry must contain a visible character")
        if trimmed.casefold() in seen:
            raise InvalidInput(field, f"{trimmed} is listed twice")
        seen.add(trimmed.casefold())
        result.append(trimmed)
    if len(result) > ENTRIES_MAX:
        raise InvalidInput(field, f"at most {ENTRIES_MAX} entries")
    return result


def matching(tags: Iterable[str], names: Iterable[str]) -> list[str]:
    """The tags that are still entries, spelled as the map spells them now."""
    spelling = {name.casefold(): name for name in names}
    return [spelling[tag.casefold()] for tag in tags if tag.casefold() in spelling]


class StrategyMap(OkraAggregate):
    entity = "StrategyMap"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        values: list[str]
        constituents: list[str]
        registries: list[str]  # ids of the open cycles whose objectives carry tags

    @staticmethod
    def id_for() -> UUID:
        return uuid5(STRATEGY_NAMESPACE, "organisation")

    class StrategyMapDefined(OkraAggregate.Created):
        values: list[str]
        constituents: list[str]

        def apply(self, strategy: StrategyMap) -> None:
            super().apply(strategy)
            strategy.registries = []

    class StrategyMapRevised(OkraAggregate.Event):
        changes: dict[str, list[Any]]  # values / constituents -> [from, to]

        def apply(self, strategy: StrategyMap) -> None:
            for name, (_, new) in self.changes.items():
                setattr(strategy, name, list(new))

    class TagRegistryOpened(OkraAggregate.Event):
        """A cycle's objectives carry tags: revisions must look at its registry."""

        edits_entity: ClassVar[bool] = False
        cycle_id: str

        def apply(self, strategy: StrategyMap) -> None:
            strategy.registries.append(self.cycle_id)

    class TagRegistryRetired(OkraAggregate.Event):
        """The cycle closed: its objectives' tags are history, revisions leave them."""

        edits_entity: ClassVar[bool] = False
        cycle_id: str

        def apply(self, strategy: StrategyMap) -> None:
            strategy.registries.remove(self.cycle_id)

    @classmethod
    def define(cls, stamp: Stamp, *, values: list[str], constituents: list[str]) -> StrategyMap:
        _check_not_empty(values, constituents)
        return cls._create(
            cls.StrategyMapDefined,
            id=cls.id_for(),
            actor=stamp.actor,
            timestamp=stamp.at,
            values=values,
            constituents=constituents,
        )

    def revise(self, stamp: Stamp, *, values: list[str], constituents: list[str]) -> None:
        _check_not_empty(values, constituents)
        changes = {
            name: [getattr(self, name), new]
            for name, new in (("values", values), ("constituents", constituents))
            if getattr(self, name) != new
        }
        if changes:
            self.record(self.StrategyMapRevised, stamp, changes=changes)

    def canonical(self, field: str, tags: list[str]) -> list[str]:
        """The tags as the map spells them; an unknown one is refused, naming ``field``."""
        names: list[str] = getattr(self, field)
        spelling = {name.casefold(): name for name in names}
        result: list[str] = []
        for tag in tags:
            name = spelling.get(tag.strip().casefold())
            if name is None:
                listed = ", ".join(names) or "none yet"
                raise InvalidInput(
                    field, f"{tag.strip()} is not in the strategy map's {field} ({listed})"
                )
            if name not in result:
                result.append(name)
        return result

    def narrows(self, values: list[str], constituents: list[str]) -> bool:
        """Whether the new lists drop or respell an entry (tags would need changing)."""
        return not (set(self.values) <= set(values) and set(self.constituents) <= set(constituents))

    def open_registry(self, stamp: Stamp, cycle_id: str) -> None:
        self.record(self.TagRegistryOpened, stamp, cycle_id=cycle_id)

    def retire_registry(self, stamp: Stamp, cycle_id: str) -> None:
        self.record(self.TagRegistryRetired, stamp, cycle_id=cycle_id)


class StrategyTags(OkraAggregate):
    """The tags of one cycle's objectives, where a revision of the map finds them."""

    entity = "StrategyTags"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        cycle_id: str
        tags: dict[str, dict[str, list[str]]]  # objective id -> field -> entries

    @staticmethod
    def id_for(cycle_id: UUID | str) -> UUID:
        return uuid5(STRATEGY_NAMESPACE, f"tags/{cycle_id}")

    class StrategyTagsOpened(OkraAggregate.Created):
        cycle_id: str

        def apply(self, registry: StrategyTags) -> None:
            super().apply(registry)
            registry.tags = {}

    class ObjectiveTagsNoted(OkraAggregate.Event):
        edits_entity: ClassVar[bool] = False
        objective_id: str
        values: list[str]
        constituents: list[str]

        def apply(self, registry: StrategyTags) -> None:
            if self.values or self.constituents:
                registry.tags[self.objective_id] = {
                    "values": list(self.values),
                    "constituents": list(self.constituents),
                }
            else:
                registry.tags.pop(self.objective_id, None)

    class StrategyMapRevisionNoted(OkraAggregate.Event):
        """A revision narrowed the map: any tag validated before it must be retried."""

        edits_entity: ClassVar[bool] = False
        map_version: int

    @classmethod
    def open(cls, stamp: Stamp, cycle_id: str) -> StrategyTags:
        return cls._create(
            cls.StrategyTagsOpened,
            id=cls.id_for(cycle_id),
            actor=stamp.actor,
            timestamp=stamp.at,
            cycle_id=cycle_id,
        )

    def note_tags(
        self, stamp: Stamp, objective_id: UUID, values: list[str], constituents: list[str]
    ) -> None:
        self.record(
            self.ObjectiveTagsNoted,
            stamp,
            objective_id=str(objective_id),
            values=values,
            constituents=constituents,
        )

    def note_revision(self, stamp: Stamp, map_version: int) -> None:
        self.record(self.StrategyMapRevisionNoted, stamp, map_version=map_version)


def _check_not_empty(values: list[str], constituents: list[str]) -> None:
    if not values and not constituents:
        raise InvalidInput("values", "a strategy map needs at least one value or constituent")
