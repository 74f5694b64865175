"""Group commit: commands that save at the same time share one transaction, and each
keeps its own outcome.

To make the crowd deterministic, the test holds the events table's write lock from a
connection of its own (PostgreSQL's ``LOCK TABLE``, SQLite's ``BEGIN IMMEDIATE``):
the first command blocks inside its save, the others queue behind it, and when the
lock goes the queue commits together.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from domain.application import commands as c
from domain.application.commands import Saved
from domain.application.handlers.bets import portfolio as stakes_of
from domain.application.okra import Okra
from domain.application.unit import UnitOfWork
from domain.model.errors import VersionConflict
from gateway.backend import make_app
from gateway.settings import Settings
from tests.builders import make_key_results
from tests.support.work import event_statements, write_transactions

COMMANDS = 16


@contextlib.contextmanager
def log_locked(settings: Settings) -> Iterator[None]:
    """Hold the events table's write lock until the block ends."""
    if settings.database_url:
        with psycopg.connect(settings.database_url) as conn:
            conn.execute(f'LOCK TABLE "{settings.database_schema}".okra_events IN EXCLUSIVE MODE')
            yield
            conn.rollback()
    else:
        conn = sqlite3.connect(settings.data_dir / "events.sqlite", isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()


def crowd(settings: Settings, app: Okra, commands: list[object]) -> list[object]:
    """Run the commands in threads at once, behind the held lock; their outcomes."""
    outcomes: list[object] = [None] * len(commands)

    def run(index: int) -> None:
        try:
            outcomes[index] = commands[index]()  # type: ignore[operator]
        except Exception as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(commands))]
    with log_locked(settings):
        for thread in threads:
            thread.start()
        time.sleep(2.0)  # every command loads, validates and queues behind the first
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.fixture
def app(settings: Settings) -> Iterator[Okra]:
    okra = make_app(settings)
    yield okra
    okra.close()


def test_concurrent_check_ins_share_transactions_and_keep_their_outcomes(
    settings: Settings, app: Okra
) -> None:
    key_results = make_key_results(app, COMMANDS, budget=1000)
    commands = [
        (lambda kr=kr, n=n: app.handle(c.RecordCheckIn(key_result_id=kr, value=n), "tests"))
        for n, kr in enumerate(key_results)
    ]
    with event_statements(app) as seen:
        outcomes = crowd(settings, app, commands)
    assert all(isinstance(o, Saved) for o in outcomes), outcomes
    saved = [o for o in outcomes if isinstance(o, Saved)]
    assert [s.id for s in saved] == key_results
    assert all(s.events == 1 for s in saved)
    assert len({s.position for s in saved}) == COMMANDS
    # The first alone, then the queue together (a straggler may make it one more).
    assert write_transactions(seen) <= 3, write_transactions(seen)
    for n, kr in enumerate(key_results):
        _, key_result = UnitOfWork(app, "tests").key_result(kr, "id")
        assert key_result.current == n


def test_a_stale_edit_in_a_crowd_is_refused_alone(settings: Settings, app: Okra) -> None:
    """One command with an outdated expectedVersion fails with a conflict; the others
    in its group are saved."""
    key_results = make_key_results(app, 6, budget=1000)
    app.handle(c.RecordCheckIn(key_result_id=key_results[0], value=1), "tests")
    stale = UnitOfWork(app, "tests").key_result(key_results[0], "id")[1].version - 1
    commands = [
        (lambda kr=kr: app.handle(c.RecordCheckIn(key_result_id=kr, value=5), "tests"))
        for kr in key_results[1:]
    ]
    commands.append(
        lambda: app.handle(
            c.RecordCheckIn(key_result_id=key_results[0], value=9, expected_version=stale), "tests"
        )
    )
    outcomes = crowd(settings, app, commands)
    assert all(isinstance(o, Saved) for o in outcomes[:-1]), outcomes
    assert isinstance(outcomes[-1], VersionConflict), outcomes[-1]
    assert UnitOfWork(app, "tests").key_result(key_results[0], "id")[1].current == 1


def test_bets_of_one_team_in_a_crowd_all_count_against_its_budget(
    settings: Settings, app: Okra
) -> None:
    """Bets on different objectives share the team's portfolio: such commands never
    share a group, so every stake lands and none is lost."""
    key_results = make_key_results(app, 8, budget=1000)
    commands = [
        (
            lambda kr=kr: app.handle(
                c.PlaceBet(key_result_id=kr, title="Try", stake=10, odds=0.5, expected_impact=5),
                "tests",
            )
        )
        for kr in key_results
    ]
    outcomes = crowd(settings, app, commands)
    assert all(isinstance(o, Saved) for o in outcomes), outcomes
    team = UnitOfWork(app, "tests").key_result(key_results[0], "id")[0]
    portfolio = stakes_of(UnitOfWork(app, "tests"), team.team_id, team.cycle_id)
    assert portfolio.staked == 80
