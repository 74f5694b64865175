"""Group commit: the saves of concurrent commands coalesced into one transaction.

Appending to the log is serialised (eventsourcing's PostgreSQL recorder takes an
exclusive lock on the events table; SQLite has one writer), and each append pays a
commit, an fsync. When a company checks in at once, commands queue for that lock
one transaction each. Here the first command to arrive saves at once; the commands
that arrive while it is saving wait, and the next of them saves all of them in one
``save()``: one lock, one commit, however many commands. Nothing waits on a timer,
so a lone command is as fast as before and a crowd shares its commits.

Outcomes stay per command. Two commands touching the same aggregate never share a
group (the later one waits for the next), so a group can only fail because another
process appended to one of its streams first. Then it was rolled back whole, and
each of its commands is saved again on its own: only the one that lost the race gets
the ``IntegrityError``, which its command's retry turns into a fresh load (and, with
an ``expected_version``, into a conflict), exactly as without grouping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Recording

from domain.model.base import OkraAggregate

MAX_COMMANDS = 64  # per group: bounds the transaction and the leader's extra work

Save = Callable[..., list[Recording[UUID]]]


class _Job:
    """One command's save: its aggregates, their events, and how it went."""

    def __init__(self, aggregates: Sequence[OkraAggregate]) -> None:
        self.aggregates = list(aggregates)
        self.ids = {aggregate.id for aggregate in aggregates}
        # Taken now, so that a failed group can save them again one by one.
        self.events: list[Any] = [e for a in aggregates for e in a.collect_events()]
        self.recordings: list[Recording[UUID]] = []
        self.error: BaseException | None = None
        self.finished = False
        self.leads = False  # handed the lead by the previous leader
        self.woken = threading.Event()


class GroupCommit:
    def __init__(self, save: Save) -> None:
        self._save = save
        self._lock = threading.Lock()
        self._queue: list[_Job] = []
        self._leading = False

    def save(self, aggregates: Sequence[OkraAggregate]) -> list[Recording[UUID]]:
        """Save these aggregates' pending events, possibly with other commands' saves."""
        job = _Job(aggregates)
        with self._lock:
            self._queue.append(job)
            lead = not self._leading
            self._leading = True
        if not lead:
            job.woken.wait()
        if not job.finished:  # we lead: save groups until ours is among them
            self._lead(job)
        if job.error is not None:
            raise job.error
        return job.recordings

    def _lead(self, job: _Job) -> None:
        while not job.finished:
            with self._lock:
                group = self._take()
            self._commit(group)
            for other in group:
                if other is not job:
                    other.woken.set()
        with self._lock:
            if self._queue:
                successor = self._queue[0]
                successor.leads = True
                successor.woken.set()
            else:
                self._leading = False

    def _take(self) -> list[_Job]:
        """The queued jobs, in order, that touch no aggregate an earlier one touches."""
        group: list[_Job] = []
        touched: set[UUID] = set()
        for job in list(self._queue):
            if len(group) == MAX_COMMANDS:
                break
            if job.ids & touched:
                continue
            group.append(job)
            touched |= job.ids
            self._queue.remove(job)
        return group

    def _commit(self, group: list[_Job]) -> None:
        if len(group) > 1:
            try:
                recordings = self._save(*_objects(group))
            except IntegrityError:
                pass  # rolled back whole: each alone, below, so only the loser fails
            except BaseException as error:  # the outcome is unknown: nobody retries it
                for job in group:
                    job.error, job.finished = error, True
                return
            else:
                owner = {aggregate_id: job for job in group for aggregate_id in job.ids}
                for recording in recordings:
                    owner[recording.domain_event.originator_id].recordings.append(recording)
                for job in group:
                    job.finished = True
                return
        for job in group:
            try:
                job.recordings = self._save(*_objects([job]))
            except BaseException as error:
                job.error = error
            job.finished = True


def _objects(group: list[_Job]) -> list[Any]:
    """Events first, then their aggregates (which have no pending events left): save()
    stores the events and still knows the aggregates, for its snapshots."""
    return [
        *(e for job in group for e in job.events),
        *(a for job in group for a in job.aggregates),
    ]
