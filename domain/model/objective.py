"""Objectives and their key results, one aggregate per objective.

Key results live inside their objective's stream: an objective's score, its time
travel and its closing grade all need every key result at once, and a stream of a
few hundred events per quarter replays quickly. Each key result keeps its own
``version`` so that a check-in on one never makes an edit of another stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID, uuid4

from domain.model import check_ins, rules, scoring
from domain.model.base import OkraAggregate, Stamp, without_owners
from domain.model.check_ins import Remembered
from domain.model.edits import KEEP, changes, unless_kept
from domain.model.errors import CycleClosed, InvalidInput, NotFound, VersionConflict

MILESTONES_MAX = 50
UNIT_MAX = 50


class ObjectiveKind(StrEnum):
    COMMITTED = "COMMITTED"
    ASPIRATIONAL = "ASPIRATIONAL"


class ObjectiveStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    CLOSED = "CLOSED"  # reached only by closing the cycle, never set by an edit


class Measure(StrEnum):
    METRIC = "METRIC"
    MILESTONES = "MILESTONES"


def key_result_id(objective_id: UUID | str, number: int) -> str:
    return f"{objective_id}.{number}"


def objective_of(key_result_id: str) -> UUID | None:
    """The objective a key result id points into, or ``None`` if it is malformed."""
    head, _, number = str(key_result_id).rpartition(".")
    return rules.uuid(head) if number.isdigit() else None


@dataclass
class KeyResult:
    id: str
    title: str
    weight: float
    start_value: float | None
    target_value: float | None
    unit: str
    milestones: list[str]
    current: float | None = None  # the value, or the number of milestones done
    as_of: date | None = None
    confidence: float | None = None
    final_grade: float | None = None
    version: int = 1
    original_grade: float | None = None  # the grade frozen at close, once regraded
    owner_id: str | None = None  # a person; None for key results from before people
    contributor_ids: list[str] = field(default_factory=list)
    # Which milestones are done (indices from 0), when the check-in said; None: the first
    # ``current`` ones (a check-in that gave a count, as all did before issue 14).
    done_milestones: list[int] | None = None

    @property
    def measure(self) -> Measure:
        return Measure.MILESTONES if self.milestones else Measure.METRIC

    def done_indices(self) -> set[int]:
        """The indices of the milestones done."""
        if not self.milestones:  # a metric's value is no count
            return set()
        return check_ins.done_indices(self.done_milestones, self.current)

    def score(self) -> float:
        if self.milestones:
            return scoring.milestone_score(int(self.current or 0), len(self.milestones))
        assert self.start_value is not None and self.target_value is not None
        return scoring.metric_score(self.start_value, self.target_value, self.current)


def without_remembered(state: dict[str, Any]) -> None:
    """Upcast ``v2_v3`` of objective snapshots taken before check-ins could be retracted:
    they hold no check-ins (``None``: replay the stream to learn them) and no removed key
    results (none could be removed then)."""
    state.setdefault("check_ins", None)
    state.setdefault("removed_key_results", [])


class Objective(OkraAggregate):
    entity = "Objective"
    # Version 2: objectives have an owner and contributors (snapshots of version 1 have
    # neither). Version 3: they remember their check-ins and removed key results.
    class_version = 3
    upcast_v1_v2 = staticmethod(without_owners)
    upcast_v2_v3 = staticmethod(without_remembered)
    # What a snapshot of version 2 cannot know and a replay of the stream learns.
    learnt_on_replay = ("check_ins",)

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        cycle_id: str
        team_id: str
        title: str
        description: str
        kind: ObjectiveKind
        status: ObjectiveStatus
        parent_key_result_id: str | None
        aligned_with: list[str]
        key_results: dict[str, KeyResult]
        grade: float | None
        cycle_name: str | None
        values: list[str]  # entries of the strategy map the objective serves
        constituents: list[str]
        carried_over_from: str | None  # the objective of an earlier cycle this continues
        carried_over_to: str | None
        carry_over_count: int  # how many cycles in a row it has been carried
        archived_at_close: bool
        owner_id: str | None  # a person; None for objectives from before people
        contributor_ids: list[str]
        # Check-ins by id (see domain.model.check_ins); None when loaded from a snapshot
        # taken before they were remembered (the handler replays the stream then).
        check_ins: dict[str, Remembered] | None
        removed_key_results: list[str]  # ids of key results removed, never reused

    # -- events -------------------------------------------------------------------

    class ObjectiveCreated(OkraAggregate.Created):
        cycle_id: str
        team_id: str
        title: str
        description: str
        kind: str
        parent_key_result_id: str | None
        aligned_with: list[str]
        owner_id: str | None
        contributor_ids: list[str]
        # Version 2 names an owner and contributors; version 1 predates people.
        class_version = 2
        upcast_v1_v2 = staticmethod(without_owners)

        def apply(self, objective: Objective) -> None:
            # What a new objective has that its event does not say (a carried-over
            # one's event says where it comes from, which the copy below keeps).
            objective.status = ObjectiveStatus.ACTIVE
            objective.key_results = {}
            objective.grade = None
            objective.cycle_name = None
            objective.values = []
            objective.constituents = []
            objective.carried_over_from = None
            objective.carried_over_to = None
            objective.carry_over_count = 0
            objective.archived_at_close = False
            objective.check_ins = {}
            objective.removed_key_results = []
            super().apply(objective)
            objective.kind = ObjectiveKind(self.kind)

    class ObjectiveCarriedOver(ObjectiveCreated):
        """Created by carrying an objective of an earlier cycle over into this one."""

        carried_over_from: str
        carry_over_count: int

    class ObjectiveCarriedForward(OkraAggregate.Event):
        """The objective continues in a later cycle, as ``carried_over_to``."""

        carried_over_to: str
        to_cycle_id: str

        def apply(self, objective: Objective) -> None:
            objective.carried_over_to = self.carried_over_to

    class ObjectiveUpdated(OkraAggregate.Event):
        changes: dict[str, list[Any]]  # field -> [from, to]

        def apply(self, objective: Objective) -> None:
            for name, (_, new) in self.changes.items():
                setattr(objective, name, new)

    class ObjectiveOwnerAssigned(ObjectiveUpdated):
        """The objective has another owner (``changes``: owner_id -> [from, to])."""

        reason: str

    class ObjectiveContributorsSet(ObjectiveUpdated):
        """The objective's contributors (``changes``: contributor_ids -> [from, to])."""

    class ObjectiveAligned(OkraAggregate.Event):
        changes: dict[str, list[Any]]  # parent_key_result_id / aligned_with -> [from, to]

        def apply(self, objective: Objective) -> None:
            for name, (_, new) in self.changes.items():
                setattr(objective, name, new)

    class ObjectiveTagged(OkraAggregate.Event):
        """The strategy map's values and constituents the objective serves changed."""

        changes: dict[str, list[Any]]  # values / constituents -> [from, to]

        def apply(self, objective: Objective) -> None:
            for name, (_, new) in self.changes.items():
                setattr(objective, name, list(new))

    class KeyResultEvent(OkraAggregate.Event):
        """An event of one key result: bumps that key result's version only."""

        edits_entity: ClassVar[bool] = False
        key_result_id: str

        def apply(self, objective: Objective) -> None:
            self.evolve(objective.key_results[self.key_result_id])

        def evolve(self, key_result: KeyResult) -> None:
            """Apply the event to its key result (read models reuse this too)."""
            self.apply_to(key_result)
            key_result.version += 1

        def apply_to(self, key_result: KeyResult) -> None:
            raise NotImplementedError

    class KeyResultAdded(OkraAggregate.Event):
        edits_entity: ClassVar[bool] = False
        key_result_id: str
        title: str
        weight: float
        start_value: float | None
        target_value: float | None
        unit: str
        milestones: list[str]
        owner_id: str | None
        contributor_ids: list[str]
        # Version 2 names an owner and contributors; version 1 predates people.
        class_version = 2
        upcast_v1_v2 = staticmethod(without_owners)

        def apply(self, objective: Objective) -> None:
            objective.key_results[self.key_result_id] = self.key_result()

        def key_result(self) -> KeyResult:
            """The key result it adds (read models reuse this too)."""
            return KeyResult(
                id=self.key_result_id,
                title=self.title,
                weight=self.weight,
                start_value=self.start_value,
                target_value=self.target_value,
                unit=self.unit,
                milestones=list(self.milestones),
                owner_id=self.owner_id,
                contributor_ids=list(self.contributor_ids),
            )

    class KeyResultUpdated(KeyResultEvent):
        changes: dict[str, list[Any]]

        def apply_to(self, key_result: KeyResult) -> None:
            for name, (_, new) in self.changes.items():
                setattr(key_result, name, new)

    class KeyResultOwnerAssigned(KeyResultUpdated):
        """The key result has another owner (``changes``: owner_id -> [from, to])."""

        reason: str

    class KeyResultContributorsSet(KeyResultUpdated):
        """The key result's contributors (``changes``: contributor_ids -> [from, to])."""

    class KeyResultTargetChanged(KeyResultEvent):
        changes: dict[str, list[Any]]  # start_value / target_value -> [from, to]
        reason: str

        def apply_to(self, key_result: KeyResult) -> None:
            for name, (_, new) in self.changes.items():
                setattr(key_result, name, new)

    class CheckInRecorded(KeyResultEvent):
        value: float | None
        milestones_done: int | None
        confidence: float | None
        note: str
        as_of: date
        done_milestones: list[int] | None  # which ones (``milestones_done`` counts them)
        # Version 2 may name the milestones done; version 1 gave their count only.
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("done_milestones", None)

        @property
        def check_in_id(self) -> str:
            return check_ins.check_in_id(self.key_result_id, self.originator_version)

        def apply(self, objective: Objective) -> None:
            super().apply(objective)
            if objective.check_ins is not None:
                objective.check_ins[self.check_in_id] = check_ins.remember(
                    self, self.key_result_id, self.originator_version
                )

        def apply_to(self, key_result: KeyResult) -> None:
            # The latest asOf wins; among equal dates, the one recorded last.
            if key_result.as_of is None or self.as_of >= key_result.as_of:
                key_result.as_of = self.as_of
                key_result.current = (
                    self.value if self.milestones_done is None else self.milestones_done
                )
                key_result.done_milestones = self.done_milestones
                key_result.confidence = self.confidence

    class CheckInRevised(KeyResultEvent):
        """A check-in stopped counting (retracted, or replaced by a correction): the key
        result now stands where the event says (the latest check-in still counting)."""

        check_in_id: str  # the check-in that stops counting
        reason: str
        current: float | None
        current_as_of: date | None
        current_confidence: float | None
        current_done: list[int] | None  # which milestones, if that check-in named them

        def apply(self, objective: Objective) -> None:
            super().apply(objective)
            if objective.check_ins is not None:
                objective.check_ins[self.check_in_id]["retracted"] = True

        def apply_to(self, key_result: KeyResult) -> None:
            key_result.current = self.current
            key_result.as_of = self.current_as_of
            key_result.confidence = self.current_confidence
            key_result.done_milestones = self.current_done

    class CheckInRetracted(CheckInRevised):
        """A check-in no longer counts (a mistake); it stays in history, flagged."""

    class CheckInCorrected(CheckInRevised):
        """A check-in replaced by a corrected one (this event's own check-in, whose
        ``corrected_from`` is ``check_in_id``); the original stays in history, flagged."""

        value: float | None
        milestones_done: int | None
        confidence: float | None
        note: str
        as_of: date
        done_milestones: list[int] | None

        @property
        def new_check_in_id(self) -> str:
            return check_ins.check_in_id(self.key_result_id, self.originator_version)

        def apply(self, objective: Objective) -> None:
            super().apply(objective)
            if objective.check_ins is not None:
                objective.check_ins[self.new_check_in_id] = check_ins.remember(
                    self, self.key_result_id, self.originator_version
                )

    class KeyResultRemoved(OkraAggregate.Event):
        """A key result added by mistake is gone from the objective (and its score); its
        events stay in the stream, and its number is never given again."""

        edits_entity: ClassVar[bool] = False
        key_result_id: str
        title: str
        reason: str

        def apply(self, objective: Objective) -> None:
            del objective.key_results[self.key_result_id]
            objective.removed_key_results.append(self.key_result_id)

    class KeyResultRegraded(KeyResultEvent):
        """A correction of a closed cycle's grade; the original stays in the stream."""

        grade: float
        previous: float | None
        reason: str

        def apply(self, objective: Objective) -> None:
            super().apply(objective)
            objective.grade = graded_mean(objective.key_results.values())

        def apply_to(self, key_result: KeyResult) -> None:
            if key_result.original_grade is None:
                key_result.original_grade = self.previous
            key_result.final_grade = self.grade

    class ObjectiveGraded(OkraAggregate.Event):
        """The cycle closed: the scores of that moment become final grades."""

        cycle_name: str
        grades: dict[str, float]
        grade: float | None

        def apply(self, objective: Objective) -> None:
            # Closing grades archived objectives too; history keeps that they were.
            objective.archived_at_close = objective.status == ObjectiveStatus.ARCHIVED
            objective.status = ObjectiveStatus.CLOSED
            objective.cycle_name = self.cycle_name
            objective.grade = self.grade
            for key_result in objective.key_results.values():
                self.evolve(key_result)

        def evolve(self, key_result: KeyResult) -> None:
            if key_result.id in self.grades:
                key_result.final_grade = self.grades[key_result.id]
                key_result.version += 1

    # -- commands -----------------------------------------------------------------

    @classmethod
    def create(
        cls,
        stamp: Stamp,
        *,
        cycle_id: UUID,
        team_id: UUID,
        title: str,
        description: str | None,
        kind: str,
        parent_key_result_id: str | None,
        aligned_with: list[str],
        owner_id: str | None = None,
        contributor_ids: list[str] | None = None,
    ) -> Objective:
        """A new objective (references, owner and contributors checked by the caller)."""
        return cls._create(
            cls.ObjectiveCreated,
            id=uuid4(),
            actor=stamp.actor,
            timestamp=stamp.at,
            cycle_id=str(cycle_id),
            team_id=str(team_id),
            title=rules.title(title),
            description=rules.text(description, "description"),
            kind=rules.choice(kind, ObjectiveKind, "kind"),
            parent_key_result_id=parent_key_result_id,
            aligned_with=aligned_with,
            owner_id=owner_id,
            contributor_ids=list(contributor_ids or []),
        )

    @property
    def score(self) -> float | None:
        return score_of(self.key_results.values())

    def key_result(self, key_result_id: str) -> KeyResult:
        try:
            return self.key_results[key_result_id]
        except KeyError:
            raise NotFound("KeyResult", key_result_id) from None

    def check_open(self) -> None:
        if self.status == ObjectiveStatus.CLOSED:
            raise CycleClosed(self.cycle_name or self.cycle_id)

    def update(
        self,
        stamp: Stamp,
        *,
        expected_version: int | None,
        title: str = KEEP,
        description: str | None = KEEP,
        kind: str = KEEP,
        status: str = KEEP,
    ) -> None:
        self.check_editable(expected_version)
        status = unless_kept(status, lambda value: rules.choice(value, ObjectiveStatus, "status"))
        if status == ObjectiveStatus.CLOSED:
            raise InvalidInput("status", "an objective closes with its cycle (closeCycle)")
        self.record_edit(
            stamp,
            self.ObjectiveUpdated,
            title=unless_kept(title, rules.title),
            description=unless_kept(description, lambda value: rules.text(value, "description")),
            kind=unless_kept(kind, lambda value: rules.choice(value, ObjectiveKind, "kind")),
            status=status,
        )

    def align(
        self,
        stamp: Stamp,
        *,
        expected_version: int | None,
        parent_key_result_id: str | None = KEEP,
        aligned_with: list[str] = KEEP,
    ) -> None:
        """Re-point the cascade and the horizontal links (references checked by caller)."""
        self.check_editable(expected_version)
        self.record_edit(
            stamp,
            self.ObjectiveAligned,
            parent_key_result_id=parent_key_result_id,
            aligned_with=aligned_with,
        )

    def tag(
        self,
        stamp: Stamp,
        *,
        expected_version: int | None,
        values: list[str] = KEEP,
        constituents: list[str] = KEEP,
    ) -> None:
        """Set the strategy map entries served (checked against the map by the caller)."""
        self.check_editable(expected_version)
        self.record_edit(
            stamp,
            self.ObjectiveTagged,
            values=unless_kept(values, list),
            constituents=unless_kept(constituents, list),
        )

    def assign_owner(self, stamp: Stamp, *, owner_id: str, reason: str | None) -> None:
        """Hand the objective to another (active, checked by the caller) person."""
        self.check_open()
        self.record_owner(stamp, self.ObjectiveOwnerAssigned, self, owner_id, reason)

    def set_contributors(self, stamp: Stamp, *, contributor_ids: list[str]) -> None:
        self.check_open()
        self.record_edit(stamp, self.ObjectiveContributorsSet, contributor_ids=contributor_ids)

    def assign_key_result_owner(
        self, stamp: Stamp, key_result_id: str, *, owner_id: str, reason: str | None
    ) -> KeyResult:
        self.check_open()
        key_result = self.key_result(key_result_id)
        self.record_owner(
            stamp, self.KeyResultOwnerAssigned, key_result, owner_id, reason,
            key_result_id=key_result.id,
        )  # fmt: skip
        return key_result

    def set_key_result_contributors(
        self, stamp: Stamp, key_result_id: str, *, contributor_ids: list[str]
    ) -> KeyResult:
        self.check_open()
        key_result = self.key_result(key_result_id)
        edited = changes(key_result, {"contributor_ids": contributor_ids})
        if edited:
            self.record(
                self.KeyResultContributorsSet, stamp, key_result_id=key_result.id, changes=edited
            )
        return key_result

    def check_editable(self, expected_version: int | None) -> None:
        """Edits need an open cycle and the version the editor read."""
        self.check_open()
        self.check_revision(expected_version)

    def add_key_result(
        self,
        stamp: Stamp,
        *,
        title: str,
        weight: float = 1.0,
        start_value: float | None = None,
        target_value: float | None = None,
        unit: str | None = None,
        milestones: list[str] | None = None,
        owner_id: str | None = None,
        contributor_ids: list[str] | None = None,
    ) -> KeyResult:
        """A new key result (its owner and contributors checked by the caller)."""
        self.check_open()
        milestone_titles = [rules.title(m, "milestones") for m in (milestones or [])]
        if len(milestone_titles) > MILESTONES_MAX:
            raise InvalidInput("milestones", f"at most {MILESTONES_MAX} milestones")
        if milestone_titles:
            if start_value is not None or target_value is not None:
                raise InvalidInput(
                    "milestones",
                    "give either milestones or a metric (start_value, target_value), not both",
                )
        else:
            if start_value is None:
                raise InvalidInput("start_value", "required for a metric key result")
            if target_value is None:
                raise InvalidInput("target_value", "required for a metric key result")
            _check_target(
                rules.finite(start_value, "start_value"),
                rules.finite(target_value, "target_value"),
            )
        # Removed key results keep their numbers: ids are never reused.
        new_id = key_result_id(self.id, len(self.key_results) + len(self.removed_key_results) + 1)
        self.record(
            self.KeyResultAdded,
            stamp,
            key_result_id=new_id,
            title=rules.title(title),
            weight=rules.weight(weight),
            start_value=None if milestone_titles else float(start_value or 0),
            target_value=None if milestone_titles else float(target_value or 0),
            unit=rules.text(unit, "unit", UNIT_MAX),
            milestones=milestone_titles,
            owner_id=owner_id,
            contributor_ids=list(contributor_ids or []),
        )
        return self.key_results[new_id]

    def update_key_result(
        self,
        stamp: Stamp,
        key_result_id: str,
        *,
        expected_version: int | None,
        title: str = KEEP,
        weight: float = KEEP,
        unit: str | None = KEEP,
        start_value: float = KEEP,
        target_value: float = KEEP,
        reason: str | None = None,
    ) -> KeyResult:
        self.check_open()
        key_result = self._key_result_at(key_result_id, expected_version)
        proposed: dict[str, Any] = {}
        if title is not KEEP:
            proposed["title"] = rules.title(title)
        if weight is not KEEP:
            proposed["weight"] = rules.weight(weight)
        if unit is not KEEP:
            proposed["unit"] = rules.text(unit, "unit", UNIT_MAX)
        baseline: dict[str, Any] = {}
        for name, value in (("start_value", start_value), ("target_value", target_value)):
            if value is KEEP:
                continue
            if key_result.milestones:
                raise InvalidInput(name, "a milestone key result has no metric to change")
            baseline[name] = rules.finite(value, name)
        target_changes = changes(key_result, baseline)
        if target_changes:
            _check_target(
                baseline.get("start_value", key_result.start_value),
                baseline.get("target_value", key_result.target_value),
            )
            why = rules.text(reason, "reason")
            if not why:
                raise InvalidInput("reason", "a target change needs a reason")
            self.record(
                self.KeyResultTargetChanged,
                stamp,
                key_result_id=key_result.id,
                changes=target_changes,
                reason=why,
            )
        edited = changes(key_result, proposed)
        if edited:
            self.record(self.KeyResultUpdated, stamp, key_result_id=key_result.id, changes=edited)
        return key_result

    def record_check_in(
        self,
        stamp: Stamp,
        key_result_id: str,
        *,
        expected_version: int | None,
        value: float | None,
        milestones_done: int | None,
        confidence: float | None,
        note: str | None,
        as_of: date | None,
        done_milestones: list[int] | None = None,
    ) -> KeyResult:
        self.check_open()
        key_result = self._key_result_at(key_result_id, expected_version)
        self.record(
            self.CheckInRecorded,
            stamp,
            key_result_id=key_result.id,
            **_measurement(
                key_result, stamp, value, milestones_done, confidence, note, as_of, done_milestones
            ),
        )
        return key_result

    def remove_key_result(
        self, stamp: Stamp, key_result_id: str, *, expected_version: int | None, reason: str | None
    ) -> KeyResult:
        """Remove a key result (its bets are the caller's to withdraw, in the same save)."""
        self.check_open()
        key_result = self._key_result_at(key_result_id, expected_version)
        self.record(
            self.KeyResultRemoved,
            stamp,
            key_result_id=key_result.id,
            title=key_result.title,
            reason=_required_reason(reason, "removing a key result"),
        )
        return key_result

    def remembered(self, check_in_id: str) -> Remembered:
        """A check-in of this objective (``check_ins`` must be known, see the handler)."""
        assert self.check_ins is not None, "replay the stream: a snapshot lacked check-ins"
        found = self.check_ins.get(str(check_in_id))
        if found is None:
            raise NotFound("CheckIn", check_in_id, "check_in_id")
        if found["retracted"]:
            raise InvalidInput(
                "check_in_id", "already retracted or corrected: the check-in no longer counts"
            )
        return found

    def retract_check_in(self, stamp: Stamp, check_in_id: str, *, reason: str | None) -> KeyResult:
        """The check-in stops counting; the key result falls back to the latest remaining."""
        self.check_open()
        remembered = self.remembered(check_in_id)
        key_result = self.key_result(remembered["key_result_id"])
        self.record(
            self.CheckInRetracted,
            stamp,
            key_result_id=key_result.id,
            check_in_id=str(check_in_id),
            reason=_required_reason(reason, "a retraction"),
            **self._standing_without(check_in_id, None),
        )
        return key_result

    def correct_check_in(
        self,
        stamp: Stamp,
        check_in_id: str,
        *,
        value: float | None,
        milestones_done: int | None,
        confidence: float | None,
        note: str | None,
        as_of: date | None,
        reason: str | None,
        done_milestones: list[int] | None = None,
    ) -> KeyResult:
        """Replace a check-in by a corrected one; what is left out stays as it was."""
        self.check_open()
        original = self.remembered(check_in_id)
        key_result = self.key_result(original["key_result_id"])
        if value is None and milestones_done is None and done_milestones is None:
            value, milestones_done = original["value"], original["milestones_done"]
            done_milestones = original["done_milestones"]
        measured = _measurement(
            key_result,
            stamp,
            value,
            milestones_done,
            original["confidence"] if confidence is None else confidence,
            original["note"] if note is None else note,
            original["as_of"] if as_of is None else as_of,
            done_milestones,
        )
        why = _required_reason(reason, "a correction")
        corrected = Remembered(
            key_result_id=key_result.id,
            version=self.version + 1,
            value=measured["value"],
            milestones_done=measured["milestones_done"],
            confidence=measured["confidence"],
            note=measured["note"],
            as_of=measured["as_of"],
            done_milestones=measured["done_milestones"],
            retracted=False,
        )
        self.record(
            self.CheckInCorrected,
            stamp,
            key_result_id=key_result.id,
            check_in_id=str(check_in_id),
            reason=why,
            **measured,
            **self._standing_without(check_in_id, corrected),
        )
        return key_result

    def _standing_without(self, check_in_id: str, added: Remembered | None) -> dict[str, Any]:
        """Where the check-in's key result stands once it stops counting (and ``added``
        counts): the fields of a :class:`CheckInRevised` event."""
        assert self.check_ins is not None
        key_result_id = self.check_ins[check_in_id]["key_result_id"]
        remaining = [
            r
            for i, r in self.check_ins.items()
            if r["key_result_id"] == key_result_id and i != check_in_id
        ]
        standing = check_ins.standing([*remaining, *([added] if added else [])])
        return {
            "current": check_ins.measure_of(standing),
            "current_as_of": standing["as_of"] if standing else None,
            "current_confidence": standing["confidence"] if standing else None,
            "current_done": standing["done_milestones"] if standing else None,
        }

    @classmethod
    def carry_over(
        cls,
        stamp: Stamp,
        source: Objective,
        *,
        cycle_id: UUID,
        parent_key_result_id: str | None,
        aligned_with: list[str],
    ) -> Objective:
        """The source's continuation: its key results restart where they stand.

        Each key result is re-baselined: a metric starts at its last value, a milestone
        one keeps the milestones not yet done. Key results already reached (score 1.0)
        are done and stay behind. No check-in is copied: the new cycle's history starts
        empty, and the old one stays with the source.
        """
        objective = cls._create(
            cls.ObjectiveCarriedOver,
            id=uuid4(),
            actor=stamp.actor,
            timestamp=stamp.at,
            cycle_id=str(cycle_id),
            team_id=source.team_id,
            title=source.title,
            description=source.description,
            kind=source.kind,
            parent_key_result_id=parent_key_result_id,
            aligned_with=aligned_with,
            carried_over_from=str(source.id),
            carry_over_count=source.carry_over_count + 1,
            owner_id=source.owner_id,
            contributor_ids=list(source.contributor_ids),
        )
        for kr in source.key_results.values():
            if kr.score() >= 1.0:
                continue
            if kr.milestones:
                done = kr.done_indices()
                objective.add_key_result(
                    stamp,
                    title=kr.title,
                    weight=kr.weight,
                    unit=kr.unit,
                    milestones=[m for i, m in enumerate(kr.milestones) if i not in done],
                    owner_id=kr.owner_id,
                    contributor_ids=kr.contributor_ids,
                )
            else:
                objective.add_key_result(
                    stamp,
                    title=kr.title,
                    weight=kr.weight,
                    start_value=kr.start_value if kr.current is None else kr.current,
                    target_value=kr.target_value,
                    unit=kr.unit,
                    owner_id=kr.owner_id,
                    contributor_ids=kr.contributor_ids,
                )
        return objective

    def check_carriable(self) -> None:
        if self.carried_over_to is not None:
            raise InvalidInput("id", f"already carried over, to objective {self.carried_over_to}")
        if self.status == ObjectiveStatus.ARCHIVED:
            raise InvalidInput("id", "an archived objective is not carried over")

    def carry_forward(self, stamp: Stamp, successor: Objective) -> None:
        self.check_carriable()
        self.record(
            self.ObjectiveCarriedForward,
            stamp,
            carried_over_to=str(successor.id),
            to_cycle_id=successor.cycle_id,
        )

    def regrade_key_result(
        self,
        stamp: Stamp,
        key_result_id: str,
        *,
        expected_version: int | None,
        grade: float,
        reason: str | None,
    ) -> KeyResult:
        """Correct a closed cycle's grade (a late measurement, a mistake at close)."""
        key_result = self._key_result_at(key_result_id, expected_version)
        if self.status != ObjectiveStatus.CLOSED:
            raise InvalidInput(
                "id", "the key result is not graded yet: regrade it once its cycle is closed"
            )
        new = rules.unit_interval(grade, "grade")
        if new == key_result.final_grade:
            raise InvalidInput("grade", f"{new:g} is already the key result's grade")
        why = rules.text(reason, "reason")
        if not why:
            raise InvalidInput("reason", "a regrade needs a reason")
        self.record(
            self.KeyResultRegraded,
            stamp,
            key_result_id=key_result.id,
            grade=new,
            previous=key_result.final_grade,
            reason=why,
        )
        return key_result

    def grade_at_close(self, stamp: Stamp, cycle_name: str) -> None:
        if self.status == ObjectiveStatus.CLOSED:
            return
        self.record(
            self.ObjectiveGraded,
            stamp,
            cycle_name=cycle_name,
            grades={kr.id: kr.score() for kr in self.key_results.values()},
            grade=self.score,
        )

    def _key_result_at(self, key_result_id: str, expected_version: int | None) -> KeyResult:
        key_result = self.key_result(key_result_id)
        if expected_version is not None and expected_version != key_result.version:
            raise VersionConflict("KeyResult", key_result.id, expected_version, key_result.version)
        return key_result


def score_of(key_results: Iterable[KeyResult]) -> float | None:
    """An objective's score: the weighted mean of its key results' scores."""
    return scoring.weighted_mean((kr.weight, kr.score()) for kr in key_results)


def graded_mean(key_results: Iterable[KeyResult]) -> float | None:
    """An objective's grade: the weighted mean of its key results' final grades."""
    return scoring.weighted_mean((kr.weight, kr.final_grade) for kr in key_results)


def _measurement(
    key_result: KeyResult,
    stamp: Stamp,
    value: float | None,
    milestones_done: int | None,
    confidence: float | None,
    note: str | None,
    as_of: date | None,
    done_milestones: list[int] | None = None,
) -> dict[str, Any]:
    """A check-in's measure checked against its key result: the fields of its event."""
    if done_milestones is not None:
        if not key_result.milestones:
            raise InvalidInput("done_milestones", "a metric key result takes a value")
        done_milestones = _done(done_milestones, len(key_result.milestones))
        if milestones_done is not None and milestones_done != len(done_milestones):
            raise InvalidInput(
                "milestones_done", "give milestonesDone or doneMilestones, or agreeing ones"
            )
        milestones_done = len(done_milestones)
    if key_result.milestones:
        if value is not None:
            raise InvalidInput("value", "a milestone key result takes milestones_done")
        if milestones_done is None:
            raise InvalidInput("milestones_done", "required for a milestone key result")
        if not 0 <= milestones_done <= len(key_result.milestones):
            raise InvalidInput(
                "milestones_done",
                f"must be between 0 and the {len(key_result.milestones)} milestones",
            )
    else:
        if milestones_done is not None:
            raise InvalidInput("milestones_done", "a metric key result takes a value")
        if value is None:
            raise InvalidInput("value", "required for a metric key result")
        value = rules.finite(value, "value")
    return {
        "value": value,
        "milestones_done": milestones_done,
        "confidence": (
            None if confidence is None else rules.unit_interval(confidence, "confidence")
        ),
        "note": rules.text(note, "note", rules.NOTE_MAX),
        "as_of": rules.not_future(as_of or stamp.at.date(), stamp.at),
        "done_milestones": done_milestones,
    }


def _done(indices: list[int], count: int) -> list[int]:
    """Milestones named done: each an index from 0 of one of the ``count``, once; sorted."""
    for index in indices:
        if not 0 <= index < count:
            raise InvalidInput("done_milestones", f"indices are 0 to {count - 1}, not {index}")
    if len(set(indices)) != len(indices):
        raise InvalidInput("done_milestones", "each milestone once")
    return sorted(indices)


def _required_reason(reason: str | None, what: str) -> str:
    why = rules.text(reason, "reason")
    if not why:
        raise InvalidInput("reason", f"{what} needs a reason")
    return why


def _check_target(start: float | None, target: float | None) -> None:
    if start == target:
        raise InvalidInput("target_value", "must differ from the start value")
