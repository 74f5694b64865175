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
# Each team's lead (the CEO leads the organisation), who sets its objectives and bets.
PEOPLE = {
    "org": "maya.chen",
    "Engineering": "tom.okafor",
    "Platform": "ines.garcia",
    "Mobile": "kenji.sato",
    "Sales": "lena.fischer",
    "Customer Success": "sam.rivera",
    "Support": "priya.nair",
}
# Each team's members, who own some of its key results and check in on them.
MEMBERS = {
    "Engineering": ["amara.obi"],
    "Platform": ["jonas.berg"],
    "Mobile": ["dan.kowalski", "leo.park"],
    "Sales": ["chloe.martin"],
    "Customer Success": ["raj.patel"],
    "Support": ["eva.novak"],
}
CHAMPION = "olivia.brandt"  # the OKR champion of the whole organisation
LEAVER = "dan.kowalski"  # leaves in the open quarter, still owning one of its key results
NAMES = {
    "maya.chen": "Maya Chen",
    "tom.okafor": "Tom Okafor",
    "ines.garcia": "Inés García",
    "kenji.sato": "Kenji Sato",
    "lena.fischer": "Lena Fischer",
    "sam.rivera": "Sam Rivera",
    "priya.nair": "Priya Nair",
    "amara.obi": "Amara Obi",
    "jonas.berg": "Jonas Berg",
    "dan.kowalski": "Dan Kowalski",
    "leo.park": "Leo Park",
    "chloe.martin": "Chloé Martin",
    "raj.patel": "Raj Patel",
    "eva.novak": "Eva Novák",
    "olivia.brandt": "Olivia Brandt",
}
# Who contributes to each team's objectives from another team.
CONTRIBUTORS = {
    "Platform": ["amara.obi"],
    "Mobile": ["raj.patel"],
    "Support": ["sam.rivera"],
    "Sales": ["raj.patel"],
}
BETTING_TEAMS = ("Engineering", "Sales", "Customer Success", "Platform")
# A team's backlog, from the smallest idea (XS) to the largest (XL).
IDEAS = [
    "Ask five customers why",
    "Add a checklist to the runbook",
    "Guided onboarding for new sites",
    "Rebuild the reporting pipeline",
    "Open a second support region",
]
BET_TITLES = [
    "Pair with the customer's ops lead",
    "Automate the weekly report",
    "Run a two-week spike",
    "Offer a pilot discount",
    "Chaos-test the fleet every Friday",
    "Ship a guided setup",
]
# The bets placed on each key result, so that each bet can move the key result it is on
# (a draw from BET_TITLES picks among them, keeping the demo's random sequence as it was).
KEY_RESULT_BET_TITLES = {
    "Incidents resolved by automated failover": [
        "Chaos-test the fleet every Friday",
        "Run a two-week spike",
    ],
    "Runbooks for the top incident types": [
        "Automate the top three runbooks",
        "Pair with the on-call engineers",
    ],
    "Services with active-active failover": [
        "Chaos-test the fleet every Friday",
        "Run a two-week spike",
    ],
    "Failover drill time": ["Automate the failover drill", "Chaos-test the fleet every Friday"],
    "Qualified pipeline in the vertical": [
        "Pair with the customer's ops lead",
        "Run a two-week spike",
    ],
    "Paid pilots signed": ["Offer a pilot discount", "Pair with the customer's ops lead"],
}
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
    actor: Principal  # who acts for the team: bets, carry-overs
    plan: Plan
    owner: Principal | None = None  # who owns the key result and checks in on it

    @property
    def checker(self) -> Principal:
        return self.owner or self.actor
