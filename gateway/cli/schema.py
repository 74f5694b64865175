"""``okra schema``: the GraphQL schema the gateway serves, as SDL.

The printed SDL is committed as ``schema.graphql`` so that clients (code
generators, reviewers of a change) can read the API without running a server; a
test keeps the two from drifting apart.
"""

from __future__ import annotations

import typer
from strawberry.printer import print_schema

from gateway.schema import build_schema
from gateway.settings import Settings

commands = typer.Typer()  # a top-level command: registered without a group name


def schema_sdl() -> str:
    """The SDL of exactly the schema ``create_app`` serves (limits do not change it)."""
    return print_schema(build_schema(Settings())) + "\n"


@commands.command("schema")
def schema() -> None:
    """Print the GraphQL schema as SDL (okra schema > schema.graphql)."""
    typer.echo(schema_sdl(), nl=False)
