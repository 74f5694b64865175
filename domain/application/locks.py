"""Commands queue on a lock of the stream they edit, and retry a save that lost a race.

A save loses when another writer appended to one of its streams first (the event
store's (originator id, version) key refuses it with ``IntegrityError``). Re-running
the whole handler from a fresh load is what makes that safe: an ``expected_version``
then turns a genuinely stale edit into :class:`VersionConflict`, and an append without
one simply lands after the latest.

Commands with the same key queue on a lock in this process, which makes most races
queue instead of collide. Saves still lose to writers in other processes and to
commands keyed differently that touch a shared aggregate (a bet and a budget on one
portfolio, re-pointings on the cascade register); correctness comes from the
collision and these retries.
"""

from __future__ import annotations

import random
import threading
import time
import weakref
from collections.abc import Callable
from typing import TypeVar

from eventsourcing.persistence import IntegrityError

R = TypeVar("R")
RETRIES = 30


class KeyLocks:
    def __init__(self) -> None:
        # One lock per key in use, gone when nobody holds it: stripes shared by unrelated
        # keys made a command wait for another's save and miss its group commit.
        self._locks: weakref.WeakValueDictionary[str, threading.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._guard = threading.Lock()

    def _lock_for(self, key: str) -> threading.Lock:
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.Lock()
            return lock

    def retrying(self, attempt: Callable[[], R], key: object) -> R:
        """Run ``attempt`` under the key's lock, again from the start when its save
        lost a race, with a short random back-off so that racers spread out."""
        with self._lock_for(str(key)):
            for tries in range(RETRIES):
                try:
                    return attempt()
                except IntegrityError:
                    if tries == RETRIES - 1:
                        raise
                    time.sleep(random.uniform(0, min(0.05, 0.002 * 2**tries)))
        raise AssertionError("unreachable")
