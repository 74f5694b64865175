"""What every ``okra`` sub-command shares: the store options and opening the app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from domain.application.okra import Okra
from gateway.settings import Settings

DataDir = Annotated[
    Path | None, typer.Option(help="Directory of the embedded SQLite store.", show_default=False)
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        help="postgresql://user:pass@host:port/db (default: $OKRA_DATABASE_URL, else SQLite).",
        show_default=False,
    ),
]
Schema = Annotated[
    str | None, typer.Option(help="PostgreSQL schema for OKRA's tables.", show_default=False)
]


def settings_from(**overrides: Any) -> Settings:
    """Settings from the environment, overridden by the flags that were given."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


@contextlib.contextmanager
def open_app(settings: Settings, app_factory: Any = None) -> Iterator[Okra]:
    from gateway.backend import ensure_schema, make_app

    asyncio.run(ensure_schema(settings))
    app = (app_factory or make_app)(settings)
    try:
        yield app
    finally:
        app.close()
