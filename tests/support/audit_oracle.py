"""The alignment audit as release 0.2 computed it, in one pass over a cycle's documents.

Kept unchanged as the oracle of the projector's judgements (``tests/e2e/test_tallies.py``):
the audit is now judged per team and settled at query time
(:func:`projections.audit.judge`, :func:`projections.audit.settle`), and this is the
independent computation those two steps must agree with, finding for finding, in order.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import date

from domain.model.bet import BetStatus
from domain.model.data_source import BROKEN_AFTER
from domain.model.objective import ObjectiveKind, ObjectiveStatus
from projections.audit import (
    KINDS,
    Facts,
    Finding,
    FindingEntityType,
    FindingKind,
    Thresholds,
    cadence_of,
    evaluated_on,
    silence,
)
from projections.documents import Doc
from projections.numbers import finite, ratio


def audit(facts: Facts, today: date, limits: Thresholds) -> list[Finding]:
    """Every finding of the cycle, most urgent kind first, then in creation order."""
    audit = _Audit(facts, evaluated_on(facts.cycle, today), limits)
    findings = [
        *audit.objectives(),
        *audit.teams(),
        *audit.bets(),
        *audit.actions(),
        *audit.sources(),
    ]
    return sorted(findings, key=lambda f: KINDS.index(f.kind))  # stable: keeps log order


class _Audit:
    def __init__(self, facts: Facts, on: date, limits: Thresholds) -> None:
        self.facts = facts
        self.on = on
        self.limits = limits
        cycle = facts.cycle
        self.starts = date.fromisoformat(cycle["starts_on"])
        ends = date.fromisoformat(cycle["ends_on"])
        self.elapsed = (on - self.starts).days / max((ends - self.starts).days, 1)
        # Closing a cycle grades its archived objectives too; they stay left out.
        self.live = [
            o
            for o in facts.objectives
            if o["status"] != ObjectiveStatus.ARCHIVED and not o.get("archived_at_close")
        ]
        self.served = Counter(
            b["key_result_id"] for b in facts.bets if b["status"] != BetStatus.WITHDRAWN
        ) + Counter(
            kr_id
            for kr_id, children in facts.cascaded.items()
            for child in children
            if child["status"] != ObjectiveStatus.ARCHIVED
        )

    def team_name(self, team_id: str) -> str:
        team = self.facts.teams.get(team_id)
        return team["name"] if team else "an unknown team"

    def objectives(self) -> Iterable[Finding]:
        for objective in self.live:
            yield from self.objective(objective)
            is_open = objective["status"] == ObjectiveStatus.ACTIVE
            if is_open:
                yield from self.ownership(objective, objective, FindingEntityType.OBJECTIVE)
            for key_result in objective["key_results"]:
                yield from self.key_result(objective, key_result)
                if is_open:
                    yield from self.ownership(objective, key_result, FindingEntityType.KEY_RESULT)

    def ownership(self, o: Doc, owned: Doc, kind: FindingEntityType) -> Iterable[Finding]:
        """An open objective, key result or placed bet owned by a deactivated person
        (someone must take it over), or by nobody (someone should answer for it)."""
        team_id = owned["team_id"] if kind == FindingEntityType.BET else o["team_id"]
        name = self.team_name(team_id)
        what = f"“{owned['title']}” ({name})"
        if kind == FindingEntityType.KEY_RESULT:
            what = f"Key result “{owned['title']}” of “{o['title']}” ({name})"
        elif kind == FindingEntityType.BET:
            what = f"Bet {what}"
        owner_id = owned.get("owner_id")
        if owner_id is None:
            yield Finding(
                FindingKind.NO_OWNER,
                kind,
                owned["id"],
                team_id,
                f"{what} has no owner: assign one, so that someone answers for it.",
                objective_id=o["id"],
            )
            return
        owner = self.facts.people.get(owner_id)
        if owner is not None and not owner["active"]:
            yield Finding(
                FindingKind.INACTIVE_OWNER,
                kind,
                owned["id"],
                team_id,
                f"{what} is owned by {owner['name']} ({owner['handle']}), who is "
                "deactivated: hand it to someone who is here (assignOwner).",
                objective_id=o["id"],
            )

    def objective(self, o: Doc) -> Iterable[Finding]:
        team = self.facts.teams.get(o["team_id"])
        name, title = self.team_name(o["team_id"]), o["title"]
        if team and team["parent_id"] and not o["parent_key_result_id"] and not o["aligned_with"]:
            above = self.team_name(team["parent_id"])
            yield Finding(
                FindingKind.ORPHAN_OBJECTIVE,
                FindingEntityType.OBJECTIVE,
                o["id"],
                o["team_id"],
                f"“{title}” ({name}) cascades from no key result and aligns with no other "
                f"objective: link it to the key result of {above} it serves, or ask why "
                f"{name} pursues it.",
                objective_id=o["id"],
            )
        if self.facts.strategy_map and not o.get("values") and not o.get("constituents"):
            yield Finding(
                FindingKind.UNTAGGED_OBJECTIVE,
                FindingEntityType.OBJECTIVE,
                o["id"],
                o["team_id"],
                f"“{title}” ({name}) serves no value or constituent of the strategy map: "
                "tag what it serves, or ask whether it belongs in this cycle.",
                objective_id=o["id"],
            )
        count = len(o["key_results"])
        if count > self.limits.max_key_results:
            yield Finding(
                FindingKind.OVERLOADED_TEAM,
                FindingEntityType.TEAM,
                o["team_id"],
                o["team_id"],
                f"“{title}” ({name}) has {count} key results, more than "
                f"{self.limits.max_key_results}: keep the few that best show it is met.",
                objective_id=o["id"],
                measured=count,
                threshold=self.limits.max_key_results,
            )

    def key_result(self, o: Doc, kr: Doc) -> Iterable[Finding]:
        name, title = self.team_name(o["team_id"]), kr["title"]
        where = f"“{title}” of “{o['title']}” ({name})"
        confidence = kr["confidence"]
        if (
            o["kind"] == ObjectiveKind.COMMITTED
            and confidence is not None
            and confidence < self.limits.at_risk_confidence
        ):
            yield Finding(
                FindingKind.COMMITTED_AT_RISK,
                FindingEntityType.KEY_RESULT,
                kr["id"],
                o["team_id"],
                f"Committed key result {where} stands at confidence {confidence:g}, below "
                f"{self.limits.at_risk_confidence:g}: agree on a recovery plan or "
                "renegotiate the commitment now.",
                objective_id=o["id"],
                measured=confidence,
                threshold=self.limits.at_risk_confidence,
            )
        if self.elapsed > self.limits.unserved_after and not self.served[kr["id"]]:
            days = (self.on - self.starts).days
            yield Finding(
                FindingKind.UNSERVED_KEY_RESULT,
                FindingEntityType.KEY_RESULT,
                kr["id"],
                o["team_id"],
                f"Key result {where} has no bet and no objective cascading from it "
                f"{days} days into {self.facts.cycle['name']}: place a bet on it, cascade "
                "it to a team, or drop it.",
                objective_id=o["id"],
                measured=round(self.elapsed, 3),
                threshold=round(self.limits.unserved_after, 3),
            )
        if self.on >= self.starts:
            yield from self.staleness(o, kr, where)

    def staleness(self, o: Doc, kr: Doc, where: str) -> Iterable[Finding]:
        team = self.facts.teams.get(o["team_id"]) or {}
        cadence = cadence_of(team, self.limits)
        gap, quiet = silence(kr, self.starts, self.on)
        if gap > cadence:
            yield Finding(
                FindingKind.STALE_KEY_RESULT,
                FindingEntityType.KEY_RESULT,
                kr["id"],
                o["team_id"],
                f"Key result {where} has had no check-in {quiet}, longer than the team's "
                f"{cadence}-day cadence: record where it stands.",
                objective_id=o["id"],
                measured=gap,
                threshold=cadence,
            )

    def sources(self) -> Iterable[Finding]:
        """A data source that failed ``BROKEN_AFTER`` times in a row: its key result
        stops moving while everyone thinks it updates itself."""
        for source in self.facts.sources:
            objective = self.facts.by_id.get(source["objective_id"])
            if source["failures"] < BROKEN_AFTER or objective is None:
                continue
            if objective not in self.live:
                continue
            rows = objective["key_results"]
            title = next(
                (kr["title"] for kr in rows if kr["id"] == source["key_result_id"]), "a key result"
            )
            yield Finding(
                FindingKind.BROKEN_DATA_SOURCE,
                FindingEntityType.KEY_RESULT,
                source["key_result_id"],
                objective["team_id"],
                f"The {source['kind']} data source of “{title}” of “{objective['title']}” "
                f"({self.team_name(objective['team_id'])}) failed {source['failures']} times "
                f"in a row (last: {source['last_error']}): fix it, or disconnect it and "
                "check in by hand.",
                objective_id=objective["id"],
                measured=source["failures"],
                threshold=BROKEN_AFTER,
            )

    def teams(self) -> Iterable[Finding]:
        counts = Counter(o["team_id"] for o in self.live)
        for team_id, count in counts.items():
            if count > self.limits.max_objectives:
                name = self.team_name(team_id)
                yield Finding(
                    FindingKind.OVERLOADED_TEAM,
                    FindingEntityType.TEAM,
                    team_id,
                    team_id,
                    f"{name} has {count} objectives in {self.facts.cycle['name']}, more than "
                    f"{self.limits.max_objectives}: merge or drop some so the team can focus.",
                    measured=count,
                    threshold=self.limits.max_objectives,
                )

    def bets(self) -> Iterable[Finding]:
        costs: dict[str, float] = {}  # bet id -> stake per whole key result expected
        for bet in self.facts.bets:
            objective = self.facts.by_id.get(bet["objective_id"])
            progress = self.progress(bet)
            if (
                bet["status"] != BetStatus.WITHDRAWN
                and objective is not None
                and objective["status"] != ObjectiveStatus.ARCHIVED
                and progress is not None
                and progress > 0
            ):
                costs[bet["id"]] = ratio(bet["stake"], progress)
        by_unit: dict[str, list[float]] = {}
        for bet in self.facts.bets:
            if bet["id"] in costs:
                by_unit.setdefault(self.unit(bet), []).append(costs[bet["id"]])
        medians = {unit: statistics.median(values) for unit, values in by_unit.items()}
        for bet in self.facts.bets:
            if bet["status"] == BetStatus.PLACED:
                yield from self.tangent(bet, costs.get(bet["id"]), medians)
                objective = self.facts.by_id.get(bet["objective_id"])
                if objective is not None:
                    yield from self.ownership(objective, bet, FindingEntityType.BET)

    def tangent(self, bet: Doc, cost: float | None, medians: dict[str, float]) -> Iterable[Finding]:
        objective = self.facts.by_id.get(bet["objective_id"])
        if objective is None:
            return
        name, unit = self.team_name(bet["team_id"]), self.unit(bet)
        key_result = self.key_result_doc(bet)
        what = f"“{key_result['title']}”" if key_result else "its key result"
        stakes = f"Bet “{bet['title']}” ({name}) stakes {bet['stake']:g} {unit}"
        status = objective["status"]
        if status in (ObjectiveStatus.CLOSED, ObjectiveStatus.ARCHIVED):
            yield Finding(
                FindingKind.TANGENT_BET,
                FindingEntityType.BET,
                bet["id"],
                bet["team_id"],
                f"{stakes} on {what}, whose objective “{objective['title']}” is "
                f"{status.lower()}: resolve or withdraw it, and move the effort to a live "
                "key result.",
                objective_id=objective["id"],
            )
            return
        progress = self.progress(bet)
        if progress is not None and progress <= 0:
            yield Finding(
                FindingKind.TANGENT_BET,
                FindingEntityType.BET,
                bet["id"],
                bet["team_id"],
                f"{stakes} but expects no progress on {what}: restate the impact it should "
                "have, or withdraw it.",
                objective_id=objective["id"],
                measured=round(progress, 3),
                threshold=0.0,
            )
            return
        median = medians.get(unit)
        if cost is None or progress is None or not median:
            return
        times = ratio(cost, median)
        if times > self.limits.stake_factor:
            yield Finding(
                FindingKind.TANGENT_BET,
                FindingEntityType.BET,
                bet["id"],
                bet["team_id"],
                f"{stakes} for an expected {progress:.0%} of {what}, {times:.1f}× what the "
                f"cycle's bets usually stake for that much progress: cut the stake, raise "
                "the odds, or withdraw it.",
                objective_id=objective["id"],
                measured=round(times, 2),
                threshold=self.limits.stake_factor,
            )

    def key_result_doc(self, bet: Doc) -> Doc | None:
        objective = self.facts.by_id.get(bet["objective_id"])
        for kr in objective["key_results"] if objective else []:
            if kr["id"] == bet["key_result_id"]:
                found: Doc = kr
                return found
        return None

    def progress(self, bet: Doc) -> float | None:
        """The share of its key result the bet expects to deliver: odds × impact / span."""
        kr = self.key_result_doc(bet)
        if kr is None:
            return None
        if kr["milestones"]:
            span = float(len(kr["milestones"]))
        else:
            span = finite(float(kr["target_value"]) - float(kr["start_value"]))
        expected = finite(float(bet["odds"]) * float(bet["expected_impact"]))
        return ratio(expected, span) if span else None

    def actions(self) -> Iterable[Finding]:
        """Key actions still ideas past the given share of the cycle: the team called
        them important, yet neither bet on them nor dropped them."""
        if self.elapsed <= self.limits.key_action_idle_after:
            return
        for action in self.facts.actions:
            objective = self.facts.by_id.get(action["objective_id"])
            if not action["key"] or action["status"] != "IDEA" or objective not in self.live:
                continue
            name = self.team_name(action["team_id"])
            yield Finding(
                FindingKind.KEY_ACTION_IDLE,
                FindingEntityType.ACTION,
                action["id"],
                action["team_id"],
                f"Key action “{action['title']}” ({name}) is still an idea "
                f"{(self.on - self.starts).days} days into {self.facts.cycle['name']}: "
                "place a bet on it, or drop it with the reason.",
                objective_id=action["objective_id"],
                measured=round(self.elapsed, 3),
                threshold=self.limits.key_action_idle_after,
            )

    def unit(self, bet: Doc) -> str:
        team = self.facts.teams.get(bet["team_id"])
        return str(team["stake_unit"]) if team else ""
