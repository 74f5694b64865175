"""Documents of bets and of the stake portfolios they draw on."""

from __future__ import annotations

from domain.model.bet import Bet, BetStatus
from domain.model.portfolio import Portfolio
from projections.documents import Batch, Doc, created, iso, revised
from projections.handlers.dispatch import project
from projections.numbers import total


@project.register
def _(event: Bet.BetPlaced, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return created(
        event,
        pos,
        key_result_id=event.key_result_id,
        objective_id=event.objective_id,
        team_id=event.team_id,
        cycle_id=event.cycle_id,
        title=event.title,
        hypothesis=event.hypothesis,
        stake=event.stake,
        odds=event.odds,
        expected_impact=event.expected_impact,
        expected_value=round(event.odds * event.expected_impact, 9),  # as Bet.expected_value
        status=BetStatus.PLACED,
        actual_impact=None,
        learning="",
        resolved_at=None,
        owner_id=event.owner_id,
        contributor_ids=list(event.contributor_ids),
        action_id=event.action_id,
    )


@project.register(Bet.BetOwnerAssigned)
@project.register(Bet.BetContributorsSet)
def _(event: Bet.BetOwnerAssigned, doc: Doc, pos: int, batch: Batch) -> Doc:
    return revised(doc, event.changes)


@project.register
def _(event: Bet.BetResolved, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {
        **doc,
        "status": event.outcome,
        "actual_impact": event.actual_impact,
        "learning": event.learning,
        "resolved_at": iso(event.timestamp),
    }


@project.register
def _(event: Portfolio.PortfolioOpened, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return created(
        event,
        pos,
        team_id=event.team_id,
        cycle_id=event.cycle_id,
        budget=None,
        stakes={},
        staked=0.0,
        closed=False,
    )


@project.register
def _(event: Portfolio.StakeBudgetSet, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "budget": event.budget}


@project.register
def _(event: Portfolio.StakeCommitted, doc: Doc, pos: int, batch: Batch) -> Doc:
    stakes = {**doc["stakes"], event.bet_id: event.stake}
    return {**doc, "stakes": stakes, "staked": total(stakes.values())}


@project.register
def _(event: Portfolio.StakeReleased, doc: Doc, pos: int, batch: Batch) -> Doc:
    stakes = {k: v for k, v in doc["stakes"].items() if k != event.bet_id}
    return {**doc, "stakes": stakes, "staked": total(stakes.values())}


@project.register
def _(event: Portfolio.PortfolioClosed, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "closed": True}
