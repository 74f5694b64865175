"""Security headers: what every HTTP answer tells the browser, and the
Content-Security-Policy of GraphiQL's page.

Every answer says ``X-Content-Type-Options: nosniff`` (a JSON answer is never run as a
script or rendered as HTML), ``Referrer-Policy: no-referrer`` (nothing of an OKRA URL
leaks to another site) and, unless it sets a policy of its own, a
Content-Security-Policy of ``frame-ancestors 'none'`` with ``X-Frame-Options: DENY``
for older browsers: no OKRA page runs inside someone else's frame.

GraphiQL's page sets its own policy, :func:`graphiql_policy`, made from the page it is
sent with, so whatever the page's template holds stays allowed and nothing else is.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

from starlette.types import Message, Receive, Scope, Send

from gateway.http.middleware import HttpOnly

CSP = b"content-security-policy"
FRAMES = "frame-ancestors 'none'"
COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class _Sources(HTMLParser):
    """The page's inline scripts and the URLs of its external scripts and stylesheets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.inline: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {k: v or "" for k, v in attrs}
        if tag == "script":
            if named.get("src"):
                self.scripts.append(named["src"])
            else:
                self._script = []
        elif tag == "link" and "stylesheet" in named.get("rel", "").split() and named.get("href"):
            self.styles.append(named["href"])

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.inline.append("".join(self._script))
            self._script = None


def _sha256(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def _external(url: str) -> bool:
    return bool(re.match(r"^https://[^\s;,']+$", url))


def graphiql_policy(page: str) -> str:
    """The Content-Security-Policy of GraphiQL's page: its own inline scripts (by hash,
    so an injected one does not run), scripts and styles from this origin, the exact
    external files the page names (none once GraphiQL is served from the gateway), and
    GraphQL requests to this origin only (``connect-src 'self'`` covers the websocket).
    Extend it here when the page needs more."""
    sources = _Sources()
    sources.feed(page)
    scripts = ["'self'", *sorted({_sha256(s) for s in sources.inline if s.strip()})]
    scripts += [url for url in sources.scripts if _external(url)]
    styles = ["'self'", "'unsafe-inline'", *(u for u in sources.styles if _external(u))]
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": styles,
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeaders(HttpOnly):
    """Adds the headers above to every HTTP answer."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def headed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in COMMON if name not in names]
                if CSP not in names:
                    headers.append((CSP, FRAMES.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, headed)
