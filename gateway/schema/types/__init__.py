"""The GraphQL object types, one module each, each built from one view document.

Scalar fields are copied from the document when the object is made (cheap to serve);
relations are resolvers that go through the request's DataLoaders
(``gateway.schema.loading``), which build related types through :data:`loading.BUILD`,
filled here once for every type.
"""

from gateway.schema import loading
from gateway.schema.types.action import Action, Collaboration
from gateway.schema.types.alignment import (
    Alignment,
    AlignmentAsOf,
    AlignmentNode,
    AlignmentNodeAsOf,
)
from gateway.schema.types.audited import Audited
from gateway.schema.types.bet import Bet, BetAsOf
from gateway.schema.types.check_in import CheckIn, CheckInAsOf
from gateway.schema.types.cycle import Cycle
from gateway.schema.types.key_result import KeyResult, KeyResultAsOf, Milestone
from gateway.schema.types.membership import Membership
from gateway.schema.types.node import Node
from gateway.schema.types.objective import Objective, ObjectiveAsOf
from gateway.schema.types.owned import Owned
from gateway.schema.types.person import Person
from gateway.schema.types.portfolio import Portfolio, PortfolioAsOf
from gateway.schema.types.team import Team

loading.BUILD.team = Team.from_doc
loading.BUILD.cycle = Cycle.from_doc
loading.BUILD.objective = Objective.from_doc
loading.BUILD.key_result = KeyResult.from_doc
loading.BUILD.bet = Bet.from_doc
loading.BUILD.person = Person.from_doc
loading.BUILD.action = Action.from_doc

__all__ = [
    "Action",
    "Alignment",
    "AlignmentAsOf",
    "AlignmentNode",
    "AlignmentNodeAsOf",
    "Audited",
    "Bet",
    "BetAsOf",
    "CheckIn",
    "CheckInAsOf",
    "Collaboration",
    "Cycle",
    "KeyResult",
    "KeyResultAsOf",
    "Membership",
    "Milestone",
    "Node",
    "Objective",
    "ObjectiveAsOf",
    "Owned",
    "Person",
    "Portfolio",
    "PortfolioAsOf",
    "Team",
]
