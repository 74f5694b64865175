"""Check-ins as their objective remembers them, so that one can be retracted or corrected.

A check-in's id is ``<key result id>@<objective version>``: the version of the event
that recorded it in its objective's stream. It is stable (the same in every store,
after an export and import, for check-ins recorded before ids existed) and says where
the check-in lives, so a command on it locks the right stream.

The objective keeps, per check-in, what decides which one is current (its measure,
asOf, confidence, and whether it still counts). When one stops counting, the key result
falls back to the latest remaining one: the latest asOf, and among equal dates the one
recorded last, as :class:`~domain.model.objective.Objective.CheckInRecorded` decides.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict


class Remembered(TypedDict):
    """One check-in as its objective remembers it (JSON-able, for snapshots)."""

    key_result_id: str
    version: int  # its position in the objective's stream
    value: float | None
    milestones_done: int | None
    confidence: float | None
    note: str
    as_of: date
    done_milestones: list[int] | None
    retracted: bool


def check_in_id(key_result_id: str, version: int) -> str:
    return f"{key_result_id}@{version}"


def key_result_of(check_in_id: str) -> str:
    """The key result a check-in id points into (the whole id if it names none)."""
    head, _, version = str(check_in_id).rpartition("@")
    return head if head and version.isdigit() else str(check_in_id)


def standing(remembered: list[Remembered]) -> Remembered | None:
    """The check-in that counts among these: the latest asOf, then the latest recorded."""
    counting = [r for r in remembered if not r["retracted"]]
    return max(counting, key=lambda r: (r["as_of"], r["version"]), default=None)


def measure_of(remembered: Remembered | None) -> float | None:
    """The key result's current value (or milestones done) with that check-in standing."""
    if remembered is None:
        return None
    if remembered["milestones_done"] is not None:
        return remembered["milestones_done"]
    return remembered["value"]


def remember(event: Any, key_result_id: str, version: int) -> Remembered:
    """What the objective keeps of a recorded or corrected check-in."""
    return Remembered(
        key_result_id=key_result_id,
        version=version,
        value=event.value,
        milestones_done=event.milestones_done,
        confidence=event.confidence,
        note=event.note,
        as_of=event.as_of,
        done_milestones=event.done_milestones,
        retracted=False,
    )


def done_indices(done_milestones: list[int] | None, current: float | None) -> set[int]:
    """The milestones done: those named, or else the first ``current`` (a count: ask only
    about milestone key results, whose count is at most their 50 milestones)."""
    if done_milestones is not None:
        return set(done_milestones)
    return set(range(int(current or 0)))
