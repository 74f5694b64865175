"""Commands about the strategy map: the organisation's values and constituents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from domain.application.commands.base import Command
from domain.model.edits import KEEP
from domain.model.strategy import StrategyMap


@dataclass(frozen=True, kw_only=True)
class DefineStrategyMap(Command):
    """Define or revise the organisation's values and constituents. An entry removed is removed from
    the tags of every objective not yet closed."""

    input_doc: ClassVar[str] = (
        "Lists left out keep their entries (a first definition gets the five default "
        "constituents: customers, employees, investors, community, partners)."
    )
    argument_doc: ClassVar[str] = "The entries to define or keep."

    values: Annotated[list[str], "The values, in order (replaces the list)."] = KEEP
    constituents: Annotated[list[str], "The constituents, in order (replaces the list)."] = KEEP
    expected_version: Annotated[int | None, "The map's version you read (0: not defined yet)."] = (
        None
    )

    def lock(self) -> object:
        return StrategyMap.id_for()
