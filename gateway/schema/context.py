"""What every resolver can reach: the backend, this request's loaders and its actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from domain.application.access import Principal
from gateway.schema.loaders import Loaders

if TYPE_CHECKING:
    from gateway.backend import Backend


@dataclass
class Context:
    backend: Backend
    loaders: Loaders
    principal: Principal | None
    request: Request | WebSocket | None = None
    response: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    connection_params: Any = None  # graphql-transport-ws connection_init payload


Info = StrawberryInfo[Context, None]
