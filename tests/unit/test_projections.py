"""The projection on documents, in memory: what the views hold after events.

The handlers are pure (documents in, documents out), so they are tested here without
a store or a gateway: events made by the domain's own aggregates, applied the way the
projector applies a batch. Both stores run exactly this code (the integration tier
checks that they store what it makes).
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.model.base import OkraAggregate
from domain.model.objective import Objective
from domain.model.token import ApiToken
from projections.documents import Doc
from projections.handlers.dispatch import project, view_of, view_of_type
from projections.views import (
    CHECK_INS,
    HISTORY,
    KEY_RESULT_OWNERS,
    MEMBERSHIPS,
    OBJECTIVES,
    PEOPLE,
    PORTFOLIOS,
    TOKENS,
    View,
)
from tests.builders import Aggregates, year_of_work
from tests.support.views import projected


class Views:
    """The views as the events leave them, made in memory."""

    def __init__(self, events: list[OkraAggregate.Event]) -> None:
        self.docs = projected(events)

    def doc(self, view: View, doc_id: object) -> Doc:
        (doc,) = (doc for doc in self.docs[view.name] if doc["id"] == str(doc_id))
        return doc

    def rows(self, view: View, **where: Any) -> list[Doc]:
        rows = self.docs[view.name]
        return sorted(
            (row for row in rows if all(row.get(k) == v for k, v in where.items())),
            key=lambda row: row["pos"],
        )


def test_a_check_in_rescores_its_key_result_and_its_objective() -> None:
    org = Aggregates()
    team, year = org.team(), org.year()
    objective = org.objective(year, team)
    signups = org.key_result(objective, "Signups", start=0, target=200)
    churn = org.key_result(objective, "Churn", start=10, target=0, weight=3)
    org.later(actor="bob")
    org.check_in(objective, signups, 50)

    views = Views(org.events)
    doc = views.doc(OBJECTIVES, objective.id)
    rows = {row["title"]: row for row in doc["key_results"]}
    assert rows["Signups"]["current"] == 50
    assert rows["Signups"]["score"] == pytest.approx(0.25)
    assert doc["score"] == pytest.approx((1 * 0.25 + 3 * 0.0) / 4)  # weighted by the domain
    assert rows["Signups"]["updated_by"] == "bob"
    assert rows["Churn"]["updated_by"] == "ann"  # the check-in did not touch it
    (row,) = views.rows(CHECK_INS)
    assert (row["key_result_id"], row["value"], row["actor"]) == (signups.id, 50, "bob")
    assert churn.id in {kr["id"] for kr in doc["key_results"]}


def test_a_document_version_is_the_aggregate_revision() -> None:
    """Clients send the version back as expectedVersion: it must be what commands check."""
    org = Aggregates()
    _, _, objective, key_result = org.first_key_result()
    org.check_in(objective, key_result, 10)
    objective.update(org.later(), expected_version=objective.revision, title="Delight users")
    org.made(objective)

    doc = Views(org.events).doc(OBJECTIVES, objective.id)
    assert doc["version"] == objective.revision == 2
    assert doc["title"] == "Delight users"
    assert doc["key_results"][0]["version"] == key_result.version


def test_a_regrade_keeps_the_grade_frozen_at_close() -> None:
    org = Aggregates()
    team, year = org.team(), org.year()
    objective = org.objective(year, team)
    first = org.key_result(objective, "First")
    second = org.key_result(objective, "Second")
    org.check_in(objective, first, 100)
    objective.grade_at_close(org.later(), "2026")
    objective.regrade_key_result(
        org.later(), second.id, expected_version=None, grade=0.5, reason="late data"
    )
    org.made(objective)

    doc = Views(org.events).doc(OBJECTIVES, objective.id)
    assert doc["status"] == "CLOSED"
    assert doc["original_grade"] == pytest.approx(0.5)  # (1.0 + 0.0) / 2 at close
    assert doc["grade"] == pytest.approx(0.75)  # (1.0 + 0.5) / 2 after the regrade
    grades = {row["title"]: row["final_grade"] for row in doc["key_results"]}
    assert grades == {"First": 1.0, "Second": 0.5}


def test_a_carried_over_objective_is_linked_both_ways() -> None:
    org = Aggregates()
    team, year = org.team(), org.year()
    source = org.objective(year, team)
    key_result = org.key_result(source, target=100)
    org.check_in(source, key_result, 40)
    next_year = org.year("2027")
    successor = Objective.carry_over(
        org.later(), source, cycle_id=next_year.id, parent_key_result_id=None, aligned_with=[]
    )
    source.carry_forward(org.stamp, successor)
    org.made(successor)
    org.made(source)

    views = Views(org.events)
    new, old = views.doc(OBJECTIVES, successor.id), views.doc(OBJECTIVES, source.id)
    assert new["carried_over_from"] == str(source.id)
    assert old["carried_over_to"] == str(successor.id)
    assert new["cycle_id"] == str(next_year.id)
    (row,) = new["key_results"]
    assert (row["start_value"], row["current"]) == (40, None)  # re-baselined, no check-ins


def test_the_portfolio_adds_up_the_stakes_of_its_bets() -> None:
    org = Aggregates()
    team, year, objective, key_result = org.first_key_result()
    portfolio = org.portfolio(team, year, budget=100)
    bets = [org.bet(objective, key_result, stake) for stake in (20, 30)]
    for bet in bets:
        portfolio.commit(org.stamp, bet.id, bet.stake, "points")
    portfolio.release(org.later(), bets[0].id)
    org.made(portfolio)

    doc = Views(org.events).doc(PORTFOLIOS, portfolio.id)
    assert (doc["budget"], doc["staked"], doc["stakes"]) == (100, 30, {str(bets[1].id): 30})


def test_history_says_what_each_event_changed_and_skips_access_plumbing() -> None:
    org = Aggregates()
    _, year, objective, key_result = org.first_key_result()
    org.check_in(objective, key_result, 30)
    token = org.made(
        ApiToken.issue(org.stamp, user="bob", role="member", team_ids=[], label="", secret="okra_x")
    )
    token.revoke(org.later())
    org.made(token)

    views = Views(org.events)
    *_, check_in = views.rows(HISTORY, entity_id=key_result.id)
    assert check_in["event_type"] == "CheckInRecorded"
    assert check_in["entity_type"] == "KEY_RESULT"
    assert check_in["cycle_id"] == str(year.id)
    assert {c["field"]: (c["from"], c["to"]) for c in check_in["changes"]}["value"] == (None, 30)
    assert check_in["hash"] == org.events[check_in["pos"] - 1].chain_hash
    assert not views.rows(HISTORY, stream_id=str(token.id))
    assert views.doc(TOKENS, token.id)["revoked"] is True


def _aggregates(cls: type[OkraAggregate]) -> set[type[OkraAggregate]]:
    found: set[type[OkraAggregate]] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_aggregates(sub)}
    return found


def _event_classes() -> set[type[OkraAggregate.Event]]:
    """Every event class as its aggregate names it (eventsourcing redefines each one
    nested in an aggregate, so the classes found by subclassing include stale ones)."""
    return {
        value
        for aggregate in _aggregates(OkraAggregate)
        for value in vars(aggregate).values()
        if isinstance(value, type) and issubclass(value, OkraAggregate.Event)
    }


def test_every_event_that_edits_an_entity_a_view_shows_changes_its_document() -> None:
    """Such an event bumps the aggregate's revision; a handler that is missing would
    leave the document's version behind, and clients' expectedVersion with it."""
    ignored = project.dispatch(OkraAggregate.Event)
    unhandled = sorted(
        event.__qualname__
        for event in _event_classes()
        if event.__name__ not in ("Event", "Created")
        and event.edits_entity
        and view_of_type(event) is not None
        and project.dispatch(event) is ignored
    )
    assert not unhandled
    assert {Objective.CheckInRecorded, ApiToken.TokenIssued} <= _event_classes()


def test_a_year_of_work_fills_every_view_and_every_version_is_current() -> None:
    org = year_of_work()
    views = Views(org.events)
    assert all(views.docs.values()), "a view the scenario leaves empty"
    for event in org.events:
        view = view_of(event)
        if view is not None:
            aggregate = org.aggregates[event.originator_id]
            assert views.doc(view, aggregate.id)["version"] == aggregate.revision, aggregate


def test_people_their_teams_and_what_they_own() -> None:
    org = Aggregates()
    acme = org.team("Acme")
    platform = org.team("Platform", acme)
    lea = org.person("lea", (acme, "LEAD"), (platform, "MEMBER"))
    lea.change_role(org.later(), str(platform.id), "CHAMPION")
    lea.leave(org.later(), str(acme.id))
    org.made(lea)
    year = org.year()
    objective = org.objective(year, platform)
    kr = org.key_result(objective, owner_id=str(lea.id))
    objective.assign_owner(org.later(), owner_id=str(lea.id), reason="She runs it")
    org.made(objective)
    bo = org.person("bo")
    objective.assign_key_result_owner(org.later(), kr.id, owner_id=str(bo.id), reason="Handover")
    org.made(objective)

    views = Views(org.events)
    doc = views.doc(PEOPLE, lea.id)
    assert doc["handle"] == "lea" and doc["version"] == lea.revision == 5
    assert [(m["team_id"], m["role"]) for m in doc["memberships"]] == [
        (str(platform.id), "CHAMPION")
    ]
    rows = {row["team_id"]: row for row in views.rows(MEMBERSHIPS, person_id=str(lea.id))}
    assert rows[str(acme.id)]["left"] is True and rows[str(acme.id)]["role"] is None
    assert rows[str(platform.id)]["role"] == "CHAMPION"
    # A membership keeps its place (the order members joined) when its role changes.
    assert rows[str(platform.id)]["pos"] == rows[str(acme.id)]["pos"] + 1
    objective_doc = views.doc(OBJECTIVES, objective.id)
    assert objective_doc["owner_id"] == str(lea.id)
    assert objective_doc["key_results"][0]["owner_id"] == str(bo.id)
    (owner_row,) = views.rows(KEY_RESULT_OWNERS)
    assert (owner_row["id"], owner_row["owner_id"]) == (kr.id, str(bo.id))
    (assigned,) = views.rows(HISTORY, event_type="KeyResultOwnerAssigned")
    assert assigned["reason"] == "Handover"
    assert assigned["changes"] == [{"field": "owner_id", "from": str(lea.id), "to": str(bo.id)}]
