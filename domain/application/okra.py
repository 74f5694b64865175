"""The OKRA application: eventsourcing's ``Application``, configured, and the one door
every command goes through (:meth:`Okra.handle`).

The application holds what commands share: the event store and its repository (with
the aggregate cache and snapshots), the clock, the per-stream locks and group commit.
What a command does is its handler's business (``domain.application.handlers``); how
it runs (locking, retrying, idempotency) is the bus's (``domain.application.bus``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder
from eventsourcing.utils import EnvType

from domain.application import bus
from domain.application.access import Actor, actor_name
from domain.application.commands import Command, Saved
from domain.application.group_commit import GroupCommit
from domain.application.locks import KeyLocks
from domain.application.repository import OkraRepository
from domain.application.secrets import SecretBox
from domain.application.transcodings import TRANSCODINGS
from domain.model import rules
from domain.model.base import Stamp
from domain.model.calendar import Calendar
from domain.model.cycle import Cycle
from domain.model.directory import PeopleDirectory
from domain.model.objective import Objective
from domain.model.portfolio import Portfolio
from domain.model.topics import register_moved_modules
from domain.model.tree import TeamTree


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


class Okra(Application[UUID]):
    name = "okra"
    # Time travel loads an aggregate at a past version (``repository.get(id,
    # version=...)``): snapshots keep that to a few dozen events however long the
    # stream (an objective gathers a check-in per key result and week).
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Objective: 50,
        Cycle: 100,
        Portfolio: 100,
        PeopleDirectory: 100,  # every email change of the organisation's people
        TeamTree: 100,  # every team's creation, rename, move and archive
        Calendar: 100,  # every cycle's opening, rename and cancellation
    }

    def __init__(self, env: EnvType | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        register_moved_modules()  # before anything reads a stored event
        super().__init__(env)
        self.clock = clock
        # Seals data sources' secrets (OKRA_SECRET_KEY); None: no secret can be kept.
        self.secrets: SecretBox | None = None
        self.locks = KeyLocks()
        # Concurrent commands share transactions (see domain.application.group_commit).
        self.group = GroupCommit(self.save)
        # A cycle's first and last day, by cycle id: they never change once it is opened
        # (its id is its first name's), so a check-in's asOf is checked without a read.
        self.cycle_days: dict[str, tuple[date, date]] = {}

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

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in TRANSCODINGS:
            transcoder.register(transcoding)

    def handle(self, command: Command, actor: Actor, idempotency_key: str | None = None) -> Saved:
        """Run a command as ``actor``: validated, authorised, saved atomically or not at
        all. With an idempotency key, a retry answers as the first attempt did."""
        return bus.dispatch(self, command, actor, idempotency_key)

    def stamp(self, actor: Actor) -> Stamp:
        return Stamp(actor=rules.title(actor_name(actor), "actor"), at=self.clock())

    def exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))
