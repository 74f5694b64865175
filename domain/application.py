"""The OKRA application: every command a user can give, on eventsourcing 9.5.

Each command loads what it needs, validates everything, triggers events and saves
all touched aggregates in one atomic ``save()``: a refused command stores nothing.
A save that loses a race (another writer appended first) is retried from a fresh
load, where ``expected_version`` checks turn a genuinely stale edit into
:class:`VersionConflict` and an append without one simply lands after the latest.
"""

from __future__ import annotations

import random
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding
from eventsourcing.utils import EnvType

from domain import rules
from domain.access import ROLES, Actor, Forbidden, Principal, actor_name, require_admin
from domain.base import OkraAggregate, Stamp
from domain.bet import Bet
from domain.cascade import CascadeRegister
from domain.cycle import Cycle
from domain.errors import CycleClosed, DomainError, InvalidInput, NotFound
from domain.group_commit import GroupCommit
from domain.history_commands import HistoryCommands
from domain.idempotency import KEY_MAX, AlreadyAnswered, IdempotentRequest, Pending, pending
from domain.objective import KEEP, KeyResult, Objective, objective_of
from domain.portfolio import Portfolio
from domain.repository import OkraRepository
from domain.strategy_commands import StrategyCommands
from domain.team import Team
from domain.token import ApiToken, new_secret

A = TypeVar("A", bound=OkraAggregate)
R = TypeVar("R")

CYCLE_KINDS = ("ANNUAL", "QUARTERLY")
RETRIES = 30
STAKE_UNIT_DEFAULT = "person-days"


class DateAsISO(Transcoding):
    """eventsourcing's JSON transcoder knows ``datetime`` but not ``date``."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class KeyResultAsDict(Transcoding):
    """Key results live inside their objective's state, so snapshots must encode them."""

    type = KeyResult
    name = "key_result"

    def encode(self, obj: KeyResult) -> dict[str, object]:
        return dict(vars(obj))

    def decode(self, data: dict[str, Any]) -> KeyResult:
        return KeyResult(**data)


@dataclass(frozen=True)
class Saved:
    """What a command changed: the entity's id and the log position to wait for."""

    id: str
    position: int | None
    events: int = 0


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


class Okra(StrategyCommands, HistoryCommands, Application[UUID]):
    name = "okra"
    # Time travel loads an aggregate at a past version (``repository.get(id,
    # version=...)``): snapshots keep that to a few dozen events however long the
    # stream (an objective gathers a check-in per key result and week).
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Objective: 50,
        Cycle: 100,
        Portfolio: 100,
    }

    def construct_repository(self) -> OkraRepository:
        """eventsourcing's repository, configured as it configures it, replaying faster."""
        default = super().construct_repository()
        repository = OkraRepository(
            event_store=default.event_store,
            snapshot_store=default.snapshot_store,
            fastforward=default.fastforward,
            fastforward_skipping=default.fastforward_skipping,
            deepcopy_from_cache=default.deepcopy_from_cache,
        )
        repository.cache = default.cache  # as eventsourcing sized it from the environment
        return repository

    def __init__(self, env: EnvType | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__(env)
        self.clock = clock
        # One lock per key in use, gone when nobody holds it: stripes shared by unrelated
        # keys made a command wait for another's save and miss its group commit.
        self._locks: weakref.WeakValueDictionary[str, threading.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._locks_guard = threading.Lock()
        # Concurrent commands share transactions (see domain.group_commit).
        self._group = GroupCommit(self.save)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(KeyResultAsDict())

    # -- teams and cycles --------------------------------------------------------

    def create_team(
        self,
        *,
        actor: Actor,
        name: str,
        parent_id: str | None = None,
        stake_unit: str | None = None,
    ) -> Saved:
        require_admin(actor, "create teams")
        stamp = self.stamp(actor)
        parent = (
            self.load(Team, parent_id, "parent_id", missing=InvalidInput) if parent_id else None
        )
        team = Team.create(
            stamp,
            name=rules.title(name, "name"),
            parent_id=parent.id if parent else None,
            stake_unit=rules.text(stake_unit, "stake_unit", 50) or STAKE_UNIT_DEFAULT,
        )
        return self.commit(team.id, team)

    def open_cycle(
        self,
        *,
        actor: Actor,
        name: str,
        kind: str,
        starts_on: date,
        ends_on: date,
        parent_id: str | None = None,
    ) -> Saved:
        return self.retrying(
            lambda: self._open_cycle(actor, name, kind, starts_on, ends_on, parent_id),
            key=Cycle.id_for(name),
        )

    def _open_cycle(
        self,
        actor: Actor,
        name: str,
        kind: str,
        starts_on: date,
        ends_on: date,
        parent_id: str | None,
    ) -> Saved:
        require_admin(actor, "open cycles")
        stamp = self.stamp(actor)
        name = rules.title(name, "name")
        if kind not in CYCLE_KINDS:
            raise InvalidInput("kind", f"must be one of {', '.join(CYCLE_KINDS)}")
        if ends_on < starts_on:
            raise InvalidInput("ends_on", "must not be before starts_on")
        parent: Cycle | None = None
        if kind == "ANNUAL" and parent_id:
            raise InvalidInput("parent_id", "an annual cycle has no parent cycle")
        if kind == "QUARTERLY":
            if not parent_id:
                raise InvalidInput("parent_id", "a quarter needs its annual cycle")
            parent = self.load(Cycle, parent_id, "parent_id", missing=InvalidInput)
            if parent.kind != "ANNUAL":
                raise InvalidInput("parent_id", "a quarter's parent must be an annual cycle")
            if starts_on < parent.starts_on or ends_on > parent.ends_on:
                raise InvalidInput(
                    "starts_on",
                    f"a quarter must lie inside its annual cycle {parent.name} "
                    f"({parent.starts_on.isoformat()} – {parent.ends_on.isoformat()})",
                )
        if self.exists(Cycle.id_for(name)):
            raise InvalidInput("name", f"a cycle named {name} already exists")
        cycle = Cycle.open(
            stamp,
            name=name,
            kind=kind,
            parent_id=parent.id if parent else None,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        return self.commit(cycle.id, cycle)

    def close_cycle(
        self, *, actor: Actor, cycle_id: str, expected_version: int | None = None
    ) -> Saved:
        def close() -> Saved:
            require_admin(actor, "close cycles")
            stamp = self.stamp(actor)
            cycle = self.load(Cycle, cycle_id, "id")
            cycle.check_revision(expected_version)
            if not cycle.is_open:
                raise CycleClosed(cycle.name)
            objectives = [self.load(Objective, oid, "id") for oid in cycle.objective_ids]
            for objective in objectives:
                objective.grade_at_close(stamp, cycle.name)
            portfolios = [self.portfolio(stamp, team, cycle.id) for team in cycle.team_ids]
            for portfolio in portfolios:
                portfolio.close(stamp)
            cycle.close(stamp)
            return self.commit(cycle.id, cycle, *objectives, *portfolios)

        return self.retrying(close, key=cycle_id)

    # -- objectives -------------------------------------------------------------

    def create_objective(
        self,
        *,
        actor: Actor,
        cycle_id: str,
        team_id: str,
        title: str,
        description: str | None = None,
        kind: str = "ASPIRATIONAL",
        parent_key_result_id: str | None = None,
        aligned_with: list[str] | None = None,
    ) -> Saved:
        def create() -> Saved:
            stamp = self.stamp(actor)
            cycle = self.load(Cycle, cycle_id, "cycle_id", missing=InvalidInput)
            team = self.load(Team, team_id, "team_id", missing=InvalidInput)
            self.authorize(actor, team.id)
            if not cycle.is_open:
                raise CycleClosed(cycle.name)
            parent = self.parent_key_result(parent_key_result_id)
            aligned = self.aligned_objectives(aligned_with or [], None)
            objective = Objective.create(
                stamp,
                cycle_id=cycle.id,
                team_id=team.id,
                title=title,
                description=description,
                kind=kind,
                parent_key_result_id=parent,
                aligned_with=aligned,
            )
            cycle.schedule(stamp, objective.id, team.id)
            return self.commit(objective.id, objective, cycle)

        return self.retrying(create, key=cycle_id)

    def update_objective(
        self,
        *,
        actor: Actor,
        objective_id: str,
        expected_version: int | None,
        title: str = KEEP,
        description: str | None = KEEP,
        kind: str = KEEP,
        status: str = KEEP,
    ) -> Saved:
        def update() -> Saved:
            objective = self.load(Objective, objective_id, "id")
            self.authorize(actor, objective.team_id)
            objective.update(
                self.stamp(actor),
                expected_version=expected_version,
                title=title,
                description=description,
                kind=kind,
                status=status,
            )
            return self.commit(objective.id, objective)

        return self.retrying(update, key=objective_id)

    def align_objective(
        self,
        *,
        actor: Actor,
        objective_id: str,
        expected_version: int | None,
        parent_key_result_id: str | None = KEEP,
        aligned_with: list[str] = KEEP,
    ) -> Saved:
        def align() -> Saved:
            objective = self.load(Objective, objective_id, "id")
            self.authorize(actor, objective.team_id)
            objective.check_open()
            parent = parent_key_result_id
            stamp = self.stamp(actor)
            register = None
            if parent is not KEEP:
                # Read before the walk: a re-pointing that lands after this read makes
                # our save collide; one that landed before it is seen by the walk.
                register = self.cascade_register(stamp)
                parent = self.parent_key_result(parent)
                self.check_no_loop(objective.id, parent)
            aligned = aligned_with
            if aligned is not KEEP:
                aligned = self.aligned_objectives(aligned, objective.id)
            repointed = parent is not KEEP and parent != objective.parent_key_result_id
            objective.align(
                stamp,
                expected_version=expected_version,
                parent_key_result_id=parent,
                aligned_with=aligned,
            )
            if not repointed:
                return self.commit(objective.id, objective)
            # Saved with the register, so that concurrent re-pointings collide.
            assert register is not None
            register.note(stamp, objective.id, parent)
            return self.commit(objective.id, objective, register)

        return self.retrying(align, key=objective_id)

    # -- key results ------------------------------------------------------------

    def add_key_result(
        self,
        *,
        actor: Actor,
        objective_id: str,
        title: str,
        weight: float = 1.0,
        start_value: float | None = None,
        target_value: float | None = None,
        unit: str | None = None,
        milestones: list[str] | None = None,
    ) -> Saved:
        def add() -> Saved:
            objective = self.load(Objective, objective_id, "objective_id")
            self.authorize(actor, objective.team_id)
            key_result = objective.add_key_result(
                self.stamp(actor),
                title=title,
                weight=weight,
                start_value=start_value,
                target_value=target_value,
                unit=unit,
                milestones=milestones,
            )
            return self.commit(key_result.id, objective)

        return self.retrying(add, key=objective_id)

    def update_key_result(
        self,
        *,
        actor: Actor,
        key_result_id: str,
        expected_version: int | None,
        title: str = KEEP,
        weight: float = KEEP,
        unit: str | None = KEEP,
        start_value: float = KEEP,
        target_value: float = KEEP,
        reason: str | None = None,
    ) -> Saved:
        def update() -> Saved:
            objective, key_result = self.key_result(key_result_id, "id")
            self.authorize(actor, objective.team_id)
            objective.update_key_result(
                self.stamp(actor),
                key_result.id,
                expected_version=expected_version,
                title=title,
                weight=weight,
                unit=unit,
                start_value=start_value,
                target_value=target_value,
                reason=reason,
            )
            return self.commit(key_result.id, objective)

        return self.retrying(update, key=objective_of(key_result_id))

    def record_check_in(
        self,
        *,
        actor: Actor,
        key_result_id: str,
        value: float | None = None,
        milestones_done: int | None = None,
        confidence: float | None = None,
        note: str | None = None,
        as_of: date | None = None,
        expected_version: int | None = None,
    ) -> Saved:
        def check_in() -> Saved:
            objective, key_result = self.key_result(key_result_id, "key_result_id")
            self.authorize(actor, objective.team_id)
            objective.record_check_in(
                self.stamp(actor),
                key_result.id,
                expected_version=expected_version,
                value=value,
                milestones_done=milestones_done,
                confidence=confidence,
                note=note,
                as_of=as_of,
            )
            return self.commit(key_result.id, objective)

        return self.retrying(check_in, key=objective_of(key_result_id))

    # -- bets -------------------------------------------------------------------

    def place_bet(
        self,
        *,
        actor: Actor,
        key_result_id: str,
        title: str,
        stake: float,
        odds: float,
        expected_impact: float,
        hypothesis: str | None = None,
    ) -> Saved:
        def place() -> Saved:
            stamp = self.stamp(actor)
            objective, key_result = self.key_result(key_result_id, "key_result_id")
            self.authorize(actor, objective.team_id)
            objective.check_open()
            team = self.load(Team, objective.team_id, "key_result_id")
            bet = Bet.place(
                stamp,
                key_result_id=key_result.id,
                objective_id=str(objective.id),
                team_id=objective.team_id,
                cycle_id=objective.cycle_id,
                title=title,
                hypothesis=hypothesis,
                stake=stake,
                odds=odds,
                expected_impact=expected_impact,
            )
            portfolio = self.portfolio(stamp, objective.team_id, objective.cycle_id)
            if portfolio.closed:
                raise CycleClosed(objective.cycle_name or objective.cycle_id)
            portfolio.commit(stamp, bet.id, bet.stake, team.stake_unit)
            return self.commit(bet.id, bet, portfolio)

        return self.retrying(place, key=objective_of(key_result_id))

    def resolve_bet(
        self,
        *,
        actor: Actor,
        bet_id: str,
        outcome: str,
        actual_impact: float | None = None,
        learning: str | None = None,
        expected_version: int | None = None,
    ) -> Saved:
        def resolve() -> Saved:
            stamp = self.stamp(actor)
            bet = self.load(Bet, bet_id, "id")
            self.authorize(actor, bet.team_id)
            bet.resolve(
                stamp,
                expected_version=expected_version,
                outcome=outcome,
                actual_impact=actual_impact,
                learning=learning,
            )
            if bet.status != "WITHDRAWN":
                return self.commit(bet.id, bet)
            # A withdrawn bet gives its stake back, which only an open cycle can use.
            portfolio = self.load(Portfolio, Portfolio.id_for(bet.team_id, bet.cycle_id), "id")
            if portfolio.closed:
                raise CycleClosed(self.load(Cycle, bet.cycle_id, "id").name)
            portfolio.release(stamp, bet.id)
            return self.commit(bet.id, bet, portfolio)

        return self.retrying(resolve, key=bet_id)

    def set_stake_budget(
        self, *, actor: Actor, team_id: str, cycle_id: str, budget: float | None
    ) -> Saved:
        def set_budget() -> Saved:
            stamp = self.stamp(actor)
            team = self.load(Team, team_id, "team_id")
            self.authorize(actor, team.id)
            cycle = self.load(Cycle, cycle_id, "cycle_id")
            if not cycle.is_open:
                raise CycleClosed(cycle.name)
            if budget is not None and rules.finite(budget, "budget") < 0:
                raise InvalidInput("budget", "must not be negative")
            portfolio = self.portfolio(stamp, team.id, cycle.id)
            portfolio.set_budget(stamp, budget, team.stake_unit)
            return self.commit(str(portfolio.id), portfolio)

        return self.retrying(set_budget, key=Portfolio.id_for(team_id, cycle_id))

    # -- access -------------------------------------------------------------------

    def issue_token(
        self,
        *,
        actor: Actor,
        user: str,
        role: str,
        team_ids: list[str] | None = None,
        label: str | None = None,
    ) -> tuple[Saved, str]:
        """A new API token; the secret is returned once and stored only as a hash."""
        require_admin(actor, "issue tokens")
        stamp = self.stamp(actor)
        if role not in ROLES:
            raise InvalidInput("role", f"must be one of {', '.join(ROLES)}")
        teams = [
            str(self.load(Team, t, "team_ids", missing=InvalidInput).id) for t in team_ids or []
        ]
        if role == "member" and not teams:
            raise InvalidInput("team_ids", "a member belongs to at least one team")
        secret = new_secret()
        token = ApiToken.issue(
            stamp,
            user=rules.title(user, "user"),
            role=role,
            team_ids=teams,
            label=rules.text(label, "label", 200),
            secret=secret,
        )
        return self.commit(token.id, token), secret

    def revoke_token(self, *, actor: Actor, token_id: str) -> Saved:
        require_admin(actor, "revoke tokens")
        token = self.load(ApiToken, token_id, "id")
        token.revoke(self.stamp(actor))
        return self.commit(token.id, token)

    # -- helpers ----------------------------------------------------------------

    def stamp(self, actor: Actor) -> Stamp:
        return Stamp(actor=rules.title(actor_name(actor), "actor"), at=self.clock())

    def authorize(self, actor: Actor, team_id: str | UUID) -> None:
        """Members change only their teams' OKRs and those of the teams below them."""
        if not isinstance(actor, Principal) or actor.is_admin:
            return
        if actor.role != "member":
            raise Forbidden(f"{actor.user} is a {actor.role}: reads only")
        current: str | None = str(team_id)
        seen: set[str] = set()
        while current is not None and current not in seen:
            if current in actor.team_ids:
                return
            seen.add(current)
            current = self.load(Team, current, "team_id").parent_id
        raise Forbidden(
            f"{actor.user} may change only the OKRs of their own teams and the teams below them"
        )

    def load(
        self,
        cls: type[A],
        entity_id: UUID | str,
        field: str,
        missing: type[NotFound] | type[InvalidInput] = NotFound,
    ) -> A:
        """The aggregate of that type, or an error naming the input field."""
        aggregate_id = entity_id if isinstance(entity_id, UUID) else rules.uuid(entity_id)
        try:
            if aggregate_id is None:
                raise AggregateNotFoundError(entity_id)
            aggregate: OkraAggregate = self.repository.get(aggregate_id)
            if not isinstance(aggregate, cls):
                raise AggregateNotFoundError(entity_id)
        except AggregateNotFoundError:
            if missing is InvalidInput:
                raise InvalidInput(field, f"{cls.entity} {entity_id} does not exist") from None
            raise NotFound(cls.entity, entity_id, field) from None
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def key_result(self, key_result_id: str, field: str) -> tuple[Objective, KeyResult]:
        objective_id = objective_of(key_result_id)
        if objective_id is None:
            raise NotFound("KeyResult", key_result_id, field)
        try:
            objective = self.load(Objective, objective_id, field)
            return objective, objective.key_result(key_result_id)
        except NotFound:
            raise NotFound("KeyResult", key_result_id, field) from None

    def parent_key_result(self, key_result_id: str | None) -> str | None:
        if key_result_id is None:
            return None
        try:
            return self.key_result(key_result_id, "parent_key_result_id")[1].id
        except NotFound:
            raise InvalidInput(
                "parent_key_result_id", f"key result {key_result_id} does not exist"
            ) from None

    def aligned_objectives(self, ids: list[str], own_id: UUID | None) -> list[str]:
        result: list[str] = []
        for objective_id in ids:
            objective = self.load(Objective, objective_id, "aligned_with", missing=InvalidInput)
            if objective.id == own_id:
                raise InvalidInput("aligned_with", "an objective cannot align with itself")
            if str(objective.id) not in result:
                result.append(str(objective.id))
        return result

    def check_no_loop(self, objective_id: UUID, parent_key_result_id: str | None) -> None:
        """Walk up the cascade from the new parent; meeting ourselves means a loop."""
        seen: set[UUID] = set()
        current = parent_key_result_id
        while current is not None:
            ancestor_id = objective_of(current)
            if ancestor_id == objective_id:
                raise InvalidInput("parent_key_result_id", "the cascade would form a loop")
            if ancestor_id is None or ancestor_id in seen:
                return
            seen.add(ancestor_id)
            current = self.load(Objective, ancestor_id, "parent_key_result_id").parent_key_result_id

    def cascade_register(self, stamp: Stamp) -> CascadeRegister:
        try:
            register: CascadeRegister = self.repository.get(CascadeRegister.id_for())
            assert isinstance(register, CascadeRegister)
            return register
        except AggregateNotFoundError:
            return CascadeRegister.open(stamp)

    def portfolio(self, stamp: Stamp, team_id: UUID | str, cycle_id: UUID | str) -> Portfolio:
        portfolio_id = Portfolio.id_for(team_id, cycle_id)
        try:
            portfolio: Portfolio = self.repository.get(portfolio_id)
            assert isinstance(portfolio, Portfolio)
            return portfolio
        except AggregateNotFoundError:
            return Portfolio.open(stamp, team_id=team_id, cycle_id=cycle_id)

    def idempotent(
        self, actor: Actor, key: str | None, fingerprint: str, command: Callable[[], Saved]
    ) -> Saved:
        """Run ``command`` once per (user, key); a retry gets the first answer back."""
        if key is None:
            return command()
        if not 1 <= len(key) <= KEY_MAX:
            raise InvalidInput("idempotency_key", f"must be 1–{KEY_MAX} characters")
        token = pending.set(Pending(actor_name(actor), key, fingerprint))
        try:
            # Answered already: a command that cannot run twice (a carry-over, a bet's
            # resolution) would otherwise refuse its own retry. ``commit`` still
            # catches a retry racing the first attempt.
            request_id = IdempotentRequest.id_for(actor_name(actor), key)
            if self.exists(request_id):
                first: OkraAggregate = self.repository.get(request_id)
                assert isinstance(first, IdempotentRequest)
                raise AlreadyAnswered(first)
            try:
                return command()
            except DomainError:
                # A retry racing the first attempt: the first one saved while this one
                # waited, and its effect (a new version, a bet resolved) now refuses
                # the retry. The retry's answer is the first one's.
                if not self.exists(request_id):
                    raise
                first = self.repository.get(request_id)
                assert isinstance(first, IdempotentRequest)
                raise AlreadyAnswered(first) from None
        except AlreadyAnswered as answered:
            if answered.request.fingerprint != fingerprint:
                raise InvalidInput(
                    "idempotency_key", "was already used for a different request"
                ) from None
            # The first attempt's events may still be on their way into the views.
            return Saved(answered.request.entity_id, self.recorder.max_notification_id())
        finally:
            pending.reset(token)

    def commit(self, entity_id: UUID | str, *aggregates: OkraAggregate) -> Saved:
        request = pending.get()
        if request is not None:
            request_id = IdempotentRequest.id_for(request.user, request.key)
            if self.exists(request_id):
                answered: OkraAggregate = self.repository.get(request_id)
                assert isinstance(answered, IdempotentRequest)
                raise AlreadyAnswered(answered)
            stamp = Stamp(actor=request.user, at=self.clock())
            aggregates = (
                *aggregates,
                IdempotentRequest.answer(
                    stamp,
                    user=request.user,
                    key=request.key,
                    fingerprint=request.fingerprint,
                    entity_id=str(entity_id),
                ),
            )
        recordings = self._group.save(aggregates)
        position = max((r.notification.id for r in recordings), default=None)
        return Saved(id=str(entity_id), position=position, events=len(recordings))

    def _lock_for(self, key: str) -> threading.Lock:
        with self._locks_guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.Lock()
            return lock

    def retrying(self, command: Callable[[], R], key: object) -> R:
        """Run ``command``, re-running it from a fresh load when a save lost a race.

        Commands keyed alike (``key``: usually the aggregate they edit) queue on a lock
        in this process, which makes most races queue instead of collide. Saves still
        lose to writers in other processes and to commands keyed differently that touch
        a shared aggregate (a bet and a budget on one portfolio, re-pointings on the
        cascade register); correctness comes from the collision and these retries.
        """
        with self._lock_for(str(key)):
            for attempt in range(RETRIES):
                try:
                    return command()
                except IntegrityError:
                    if attempt == RETRIES - 1:
                        raise
                    time.sleep(random.uniform(0, min(0.05, 0.002 * 2**attempt)))
        raise AssertionError("unreachable")
