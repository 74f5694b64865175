"""GraphiQL opening on a document that runs as it is: the dashboard of the open
quarter, a check-in and a trend, with their variables filled in from the store.

strawberry serves GraphiQL from one HTML template; the page is that template with
its welcome text replaced by OKRA's example document and default variables. The
variables are opaque ids only (an open cycle, one of its key results), which give
nobody without a token anything to read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import Scope

from domain.model.cycle import CycleKind
from domain.model.objective import Measure
from projections.store import ViewStore
from projections.views import CYCLES, OBJECTIVES

EXAMPLE_DOCUMENT = """\
# OKRA: objectives, key results and bets.
#
# Sign in first: open Headers (below) and paste
#   {"Authorization": "Bearer <token>"}
# with a token from `okra token create` (`okra demo` prints some).
# Then pick an operation with the run button: Dashboard, CheckIn, Trend or Me.
# Variables (below) hold ids from this store; change them at will.

# The open quarter: every objective with its key results, latest check-ins and bets.
query Dashboard($cycle: ID!) {
  cycle(id: $cycle) { name startsOn endsOn status }
  objectives(cycleId: $cycle, first: 50) {
    totalCount
    nodes {
      id title kind score scoreBand expectedGrade
      team { name }
      keyResults {
        id title score confidence currentValue targetValue unit
        checkIns(first: 3) { nodes { value confidence asOf note recordedBy } }
      }
      bets { title stake odds expectedValue status }
    }
  }
}

# Record where a key result stands today (milestone key results take milestonesDone).
mutation CheckIn($keyResult: ID!, $value: Float!) {
  recordCheckIn(input: { keyResultId: $keyResult, value: $value, confidence: 0.7,
                         note: "Checked in from GraphiQL" }) {
    title score currentValue confidence version
    objective { title score }
  }
}

# How that key result's score moved over its cycle, week by week (or bucket: DAY).
query Trend($keyResult: ID!) {
  scoreTrend(keyResultId: $keyResult, bucket: WEEK) {
    startsOn endsOn
    points { at score confidence scoreBand }
  }
}

# Who you are: your teams, what you own, and the check-ins you owe (null for a token
# that speaks for no person).
query Me {
  me {
    id handle name memberships { role team { name } }
    ownedKeyResults { id title score }
    checkInsDue { id title asOf objective { title } }
  }
}
"""

PLACEHOLDER = "paste an id here"


def is_page_request(scope: Scope) -> bool:
    """Whether an HTTP request asks for GraphiQL's page rather than a GraphQL answer: a
    browser's GET (it accepts HTML) without a query. The page is public (it runs
    nothing), so authentication and the GraphQL-over-HTTP rules let it through."""
    if scope["method"] != "GET":
        return False
    accept = dict(scope["headers"]).get(b"accept", b"")
    return b"text/html" in accept and b"query=" not in scope.get("query_string", b"")


async def example_variables(store: ViewStore) -> dict[str, Any]:
    """Ids for the example: the latest open quarter (else any open cycle) and the first
    metric key result of its objectives, checked in at its current value."""
    cycles = await store.find(CYCLES, {"status": "OPEN"})
    cycles.sort(key=lambda c: (c["kind"] == CycleKind.QUARTERLY, c["starts_on"]))
    variables: dict[str, Any] = {"cycle": PLACEHOLDER, "keyResult": PLACEHOLDER, "value": 0}
    if not cycles:
        return variables
    cycle = cycles[-1]
    variables["cycle"] = cycle["id"]
    for objective in await store.find(OBJECTIVES, {"cycle_id": cycle["id"]}):
        for kr in objective["key_results"]:
            if kr["measure"] == Measure.METRIC:
                current = kr["current"] if kr["current"] is not None else kr["start_value"]
                return variables | {"keyResult": kr["id"], "value": current}
    return variables


def _script_literal(value: Any) -> str:
    """JSON as a JavaScript literal that cannot end the <script> element it sits in."""
    return json.dumps(value, indent=2).replace("<", "\\u003c")


def graphiql_page(template: str, document: str, variables: dict[str, Any]) -> str:
    """strawberry's GraphiQL page, opening on ``document`` with ``variables``."""
    page, found = re.subn(
        r"const EXAMPLE_QUERY = `.*?`;",
        lambda _: (
            f"const EXAMPLE_QUERY = {_script_literal(document)};\n"
            f"      const EXAMPLE_VARIABLES = {_script_literal(json.dumps(variables, indent=2))};"
        ),
        template,
        count=1,
        flags=re.S,
    )
    page, used = re.subn(
        r"parameters\.variables,", "parameters.variables || EXAMPLE_VARIABLES,", page, count=1
    )
    if not (found and used):  # strawberry changed its template: fail loudly, not silently
        raise RuntimeError(
            "strawberry's GraphiQL template changed: update gateway/http/graphiql.py"
        )
    return page.replace("<title>Strawberry GraphiQL</title>", "<title>OKRA GraphiQL</title>")
