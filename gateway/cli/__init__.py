"""The ``okra`` command: every command group registered one way.

Each module of this package holds one group of commands on a ``typer.Typer`` of its
own, named ``commands``: a named Typer is a sub-command (``okra token create``), an
unnamed one adds its commands at the top level (``okra serve``). They are registered
here in the order ``okra --help`` lists them.
"""

from __future__ import annotations

import typer

from gateway.cli import audit, notify, people, report, schema, serve, tokens, transfer
from gateway.observability import configure_logging
from gateway.settings import Settings

cli = typer.Typer(
    help="OKRA: event-sourced OKRs and bets with a GraphQL gateway.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for group in (transfer, schema, serve, tokens, people, audit, report, notify):
    cli.add_typer(group.commands)


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, settings.json_logs)
    cli()
