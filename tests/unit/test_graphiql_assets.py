"""GraphiQL's files ship with OKRA: each is the npm registry's file, byte for byte, with
its licence beside it, and the page names nothing else."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import strawberry

from gateway.http.graphiql import (
    CDN,
    EXAMPLE_DOCUMENT,
    SCRIPTS,
    STATIC,
    STYLES,
    content_security_policy,
    graphiql_page,
)

ASSETS = (*SCRIPTS, *STYLES)


def sri(path: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def test_each_file_is_the_pinned_one_with_its_licence() -> None:
    for asset in ASSETS:
        path = STATIC / "npm" / asset.relative
        assert sri(path) == asset.integrity, asset
        assert "MIT License" in (STATIC / "npm" / asset.package / "LICENSE").read_text()
    # Nothing else is shipped: no file that no page loads and no hash vouches for.
    npm = STATIC / "npm"
    shipped = {p.relative_to(npm).as_posix() for p in npm.rglob("*") if p.is_file()}
    expected = {a.relative for a in ASSETS} | {f"{a.package}/LICENSE" for a in ASSETS}
    assert shipped == expected | {"README.md"}


def test_the_hashes_are_those_strawberry_pins_for_the_cdn() -> None:
    """An independent word on the files: strawberry's own GraphiQL page loads the same
    versions from unpkg.com with subresource integrity."""
    template = (Path(strawberry.__file__).parent / "static" / "graphiql.html").read_text()
    pinned = dict(re.findall(r'src="https://unpkg\.com/([^"]+)"\s+integrity="([^"]+)"', template))
    pinned |= dict(re.findall(r'href="https://unpkg\.com/([^"]+)"\s+integrity="([^"]+)"', template))
    compared = [a for a in ASSETS if a.relative in pinned]
    for asset in compared:
        assert pinned[asset.relative] == asset.integrity, asset
    # While strawberry pins these versions, every file is compared.
    if "graphiql@3.8.3/graphiql.min.js" in pinned:
        assert len(compared) == len(ASSETS)


def test_the_page_names_only_the_server_or_the_pinned_cdn() -> None:
    local = graphiql_page(EXAMPLE_DOCUMENT, {"cycle": "c"})
    assert "https://" not in local.replace("http://www.w3.org/2000/svg", "")
    for asset in ASSETS:
        assert f'"/graphiql/npm/{asset.relative}" integrity="{asset.integrity}"' in local
    assert f'content="{content_security_policy()}"'.replace("'", "&#39;") in local
    assert "unpkg" not in content_security_policy()

    remote = graphiql_page(EXAMPLE_DOCUMENT, {"cycle": "c"}, cdn=True)
    for asset in ASSETS:
        assert f'"{CDN}{asset.relative}" integrity="{asset.integrity}"' in remote
    assert "script-src 'self' https://unpkg.com" in content_security_policy(cdn=True)
    assert "connect-src 'self'" in content_security_policy(cdn=True)
