"""GraphiQL, served whole by the gateway: the page, its scripts and its styles.

The page opens on a document that runs as it is (the dashboard of the open quarter, a
check-in and a trend) with its variables filled in from the store; they are opaque
ids only (an open cycle, one of its key results), which give nobody without a token
anything to read.

GraphiQL's own files (React, GraphiQL, its explorer plugin) ship with OKRA as package
data (``static/npm``: the npm registry's files byte for byte, with their licences), so
the page works where the server has no internet and, more to the point, where the
browser has none beyond the server. ``OKRA_GRAPHIQL_CDN=true`` loads the same files
from unpkg.com instead. Either way each is pinned by its SHA-384 (subresource
integrity), and the page carries the Content-Security-Policy it needs, which names
nothing but the server (and, with the CDN, unpkg.com).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import jinja2
from markupsafe import Markup
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
  cycle(id: $cycle) { id name startsOn endsOn status }
  objectives(cycleId: $cycle, first: 50) {
    totalCount
    nodes {
      id version title kind score scoreBand expectedGrade
      team { id name }
      keyResults {
        id version title score confidence currentValue targetValue unit
        checkIns(first: 3) { nodes { id value confidence asOf note recordedBy } }
      }
      bets { id version title stake odds expectedValue status }
    }
  }
}

# Record where a key result stands today (milestone key results take milestonesDone).
mutation CheckIn($keyResult: ID!, $value: Float!) {
  recordCheckIn(input: { keyResultId: $keyResult, value: $value, confidence: 0.7,
                         note: "Checked in from GraphiQL" }) {
    id version title score currentValue confidence
    checkIns(first: 3) { nodes { id value confidence asOf note recordedBy } }
    objective { id score }
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
PAGE_ONLY = "okra.page_only"  # the scope mark of a request that gets the page, nothing else


# What makes a GET run something: strawberry reads these (after percent-decoding), so a
# request naming any of them, however it is spelt or encoded, is never the page.
EXECUTING = frozenset({"query", "variables", "operationname", "extensions"})


def is_page_request(scope: Scope) -> bool:
    """Whether an HTTP request asks for GraphiQL's page rather than a GraphQL answer: a
    browser's GET (it accepts HTML) naming none of the parameters that execute. The page
    is public (it runs nothing), so authentication and the GraphQL-over-HTTP rules let
    it through, and the endpoint then renders the page and nothing else.

    Decided on the decoded parameters, as Starlette decodes them for strawberry: a
    check of the raw bytes took ``?qu%65ry=…`` for the page and ran the query anonymously.
    """
    if scope["method"] != "GET":
        return False
    accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1").lower()
    if "text/html" not in accept:
        return False
    raw = scope.get("query_string", b"").decode("latin-1")
    names = {name.strip().lower() for name, _ in parse_qsl(raw, keep_blank_values=True)}
    return names.isdisjoint(EXECUTING)


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


STATIC = Path(__file__).parent / "static"  # served at ASSETS
ASSETS = "/graphiql/"
CDN = "https://unpkg.com/"


@dataclass(frozen=True)
class Asset:
    """A file of an npm package, as the registry publishes it."""

    package: str  # name@version
    path: str  # inside the package
    integrity: str  # sha384-…, what the browser checks

    @property
    def relative(self) -> str:
        return f"{self.package}/{self.path}"


SCRIPTS = (
    Asset(
        "react@18.2.0",
        "umd/react.production.min.js",
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
    ),
    Asset(
        "react-dom@18.2.0",
        "umd/react-dom.production.min.js",
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
    ),
    Asset(
        "graphiql@3.8.3",
        "graphiql.min.js",
        "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
    ),
    Asset(
        "@graphiql/plugin-explorer@1.0.2",
        "dist/index.umd.js",
        "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9",
    ),
)
STYLES = (
    Asset(
        "graphiql@3.8.3",
        "graphiql.min.css",
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
    ),
    Asset(
        "@graphiql/plugin-explorer@1.0.2",
        "dist/style.css",
        "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi",
    ),
)


def content_security_policy(cdn: bool = False) -> str:
    """What the page needs, and nothing more: its scripts and styles from the server
    (or the CDN), GraphQL over HTTP and websockets to the server, inline styles (React
    and CodeMirror set them) and the fonts and icons GraphiQL inlines as data: URLs.
    The example is a JSON data block, which runs nothing."""
    source = f"'self' {CDN.rstrip('/')}" if cdn else "'self'"
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src {source}",
            f"style-src {source} 'unsafe-inline'",
            "font-src 'self' data:",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("gateway.http", "templates"), autoescape=True
    )
    return environment.get_template("graphiql.html")


def _script_literal(value: Any) -> Markup:
    """JSON that cannot end the <script> element it sits in (nor be HTML-escaped: a
    data block's text is read as it is)."""
    return Markup(json.dumps(value).replace("<", "\\u003c"))


def graphiql_page(document: str, variables: dict[str, Any], cdn: bool = False) -> str:
    """GraphiQL's page, opening on ``document`` with ``variables``."""
    base = CDN if cdn else f"{ASSETS}npm/"

    def located(assets: tuple[Asset, ...]) -> list[dict[str, str]]:
        return [{"url": base + a.relative, "integrity": a.integrity} for a in assets]

    example = {
        "query": document,
        "variables": json.dumps(variables, indent=2),
        "assets": base,
        "cdn": cdn,
    }
    return _template().render(
        policy=content_security_policy(cdn),
        styles=located(STYLES),
        scripts=located(SCRIPTS),
        own=ASSETS,
        example=_script_literal(example),
    )
