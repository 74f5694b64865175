"""Which entities a top-level list holds: the ``status`` argument of ``objectives``,
``teams`` and ``cycles``. Left out, a list holds what is in use: archived objectives,
archived teams and cancelled cycles only come when asked for."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.model.cycle import CycleStatus
from domain.model.objective import ObjectiveStatus
from domain.model.team import TeamStatus
from gateway.schema.choices import choice


@strawberry.enum(description="Which objectives a list holds; left out: ACTIVE and CLOSED.")
class ObjectiveListStatus(Enum):
    ACTIVE = choice("ACTIVE", "Objectives being worked on, in open cycles.")
    CLOSED = choice("CLOSED", "Objectives of closed cycles, graded.")
    ARCHIVED = choice("ARCHIVED", "Objectives their team set aside.")
    ALL = choice("ALL", "Every objective.")


@strawberry.enum(description="Which teams a list holds; left out: ACTIVE.")
class TeamListStatus(Enum):
    ACTIVE = choice("ACTIVE", "Teams in use.")
    ARCHIVED = choice("ARCHIVED", "Archived teams.")
    ALL = choice("ALL", "Every team.")


@strawberry.enum(description="Which cycles a list holds; left out: OPEN and CLOSED.")
class CycleListStatus(Enum):
    OPEN = choice("OPEN", "Open cycles.")
    CLOSED = choice("CLOSED", "Closed cycles, graded.")
    CANCELLED = choice("CANCELLED", "Cycles called off before anything was planned in them.")
    ALL = choice("ALL", "Every cycle.")


def objective_statuses(status: ObjectiveListStatus | None) -> list[str] | None:
    """The stored statuses the list holds; None: every one (no filter)."""
    if status is None:
        return [ObjectiveStatus.ACTIVE, ObjectiveStatus.CLOSED]
    return None if status is ObjectiveListStatus.ALL else [status.value]


def team_statuses(status: TeamListStatus | None) -> list[str] | None:
    if status is None:
        return [TeamStatus.ACTIVE]
    return None if status is TeamListStatus.ALL else [status.value]


def cycle_statuses(status: CycleListStatus | None) -> list[str] | None:
    if status is None:
        return [CycleStatus.OPEN, CycleStatus.CLOSED]
    return None if status is CycleListStatus.ALL else [status.value]
