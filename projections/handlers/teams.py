"""Documents of teams and cycles.

A team's check-in cadence is a field of its document, absent until first set
(readers default it to null: the configured default).
"""

from __future__ import annotations

from domain.model.cycle import Cycle, CycleStatus
from domain.model.team import Team, TeamStatus
from projections.documents import Batch, Doc, created, iso
from projections.handlers.dispatch import project


@project.register
def _(event: Team.TeamCreated, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return created(
        event,
        pos,
        name=event.name,
        parent_id=event.parent_id,
        stake_unit=event.stake_unit,
        status=TeamStatus.ACTIVE,
    )


@project.register
def _(event: Team.CheckInCadenceSet, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "check_in_cadence_days": event.days}


@project.register
def _(event: Team.DigestScheduleSet, doc: Doc, pos: int, batch: Batch) -> Doc:
    """When the weekly digest goes out (absent: Monday, 09:00)."""
    return {**doc, "digest_weekday": event.weekday, "digest_hour": event.hour}


@project.register
def _(event: Cycle.CycleOpened, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return created(
        event,
        pos,
        name=event.name,
        kind=event.kind,
        parent_id=event.parent_id,
        starts_on=iso(event.starts_on),
        ends_on=iso(event.ends_on),
        status=CycleStatus.OPEN,
        closed_at=None,
    )


@project.register
def _(event: Cycle.CycleClosed, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "status": CycleStatus.CLOSED, "closed_at": iso(event.timestamp)}


# -- issue 14: renamed, moved, archived teams; renamed, cancelled cycles -----------------


@project.register
def _(event: Team.TeamRenamed, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "name": event.name}


@project.register
def _(event: Team.TeamMoved, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "parent_id": event.parent_id}


@project.register
def _(event: Team.TeamArchived, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "status": TeamStatus.ARCHIVED, "archived_at": iso(event.timestamp)}


@project.register
def _(event: Cycle.CycleRenamed, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "name": event.name}


@project.register
def _(event: Cycle.CycleCancelled, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "status": CycleStatus.CANCELLED, "cancelled_at": iso(event.timestamp)}
