"""Who and what the demo company is: its people, quarters, values and habits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.application.access import Principal
from domain.model.bet import BetOutcome

YEAR = 2026
QUARTERS = [
    ("Q1", date(YEAR, 1, 1), date(YEAR, 3, 31)),
    ("Q2", date(YEAR, 4, 1), date(YEAR, 6, 30)),
    ("Q3", date(YEAR, 7, 1), date(YEAR, 9, 30)),
    ("Q4", date(YEAR, 10, 1), date(YEAR, 12, 31)),
]
PEOPLE = {
    "org": "maya.chen",
    "Engineering": "tom.okafor",
    "Platform": "ines.garcia",
    "Mobile": "kenji.sato",
    "Sales": "lena.fischer",
    "Customer Success": "sam.rivera",
    "Support": "priya.nair",
}
BETTING_TEAMS = ("Engineering", "Sales", "Customer Success", "Platform")
BET_TITLES = [
    "Pair with the customer's ops lead",
    "Automate the weekly report",
    "Run a two-week spike",
    "Offer a pilot discount",
    "Chaos-test the fleet every Friday",
    "Ship a guided setup",
]
VALUES = ("Customer obsession", "Safety first", "Frugality")
LEARNINGS = {
    BetOutcome.VALIDATED: "It worked; make it the default.",
    BetOutcome.INVALIDATED: "Customers did not care; drop it.",
    BetOutcome.WITHDRAWN: "A reorg made it moot.",
}


@dataclass
class Plan:
    """A key result to set, and how its team tends to do on it."""

    title: str
    start: float | None = None
    target: float | None = None
    unit: str = ""
    milestones: list[str] = field(default_factory=list)
    weight: float = 1.0
    skill: float = 0.7  # the fraction of the way the team usually gets


@dataclass
class Tracked:
    actor: Principal
    plan: Plan
