"""Relay cursor connections for the lists that grow.

Cursors are keyset positions (the log position that created the row), so a page
stays stable while new events arrive: new rows sort after every cursor handed out.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from gateway.schema.context import Info
from gateway.schema.errors import OkraError
from projections.handlers import Doc
from projections.store import Where
from projections.views import View

T = TypeVar("T")
PAGE_SIZE = 50
PAGE_SIZE_MAX = 100


def encode_cursor(pos: int) -> str:
    return base64.urlsafe_b64encode(f"pos:{pos}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "pos":
            raise ValueError(kind)
        return int(value)
    except ValueError:
        raise OkraError(
            "after: not a cursor this API handed out", "BAD_USER_INPUT", "after"
        ) from None


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="One item of a page and the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list, Relay style.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    view: strawberry.Private[View]
    where: strawberry.Private[Where]

    @strawberry.field(description="How many items the whole list holds.")
    async def total_count(self, info: Info) -> int:
        return await info.context.backend.store.count(self.view, self.where)

    @strawberry.field(description="The items of this page, without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def check_first(first: int | None) -> int:
    size = PAGE_SIZE if first is None else first
    if not 0 <= size <= PAGE_SIZE_MAX:
        raise OkraError(f"first: must be between 0 and {PAGE_SIZE_MAX}", "BAD_USER_INPUT", "first")
    return size


async def paginate(
    info: Info,
    view: View,
    where: Where,
    make: Callable[[Doc], T],
    first: int | None,
    after: str | None,
) -> Connection[T]:
    size = check_first(first)
    after_pos = decode_cursor(after) if after else None
    docs = await info.context.backend.store.find(view, where, limit=size + 1, after=after_pos)
    page = docs[:size]
    edges = [Edge(cursor=encode_cursor(d["pos"]), node=make(d)) for d in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(docs) > size,
            has_previous_page=after_pos is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        view=view,
        where=where,
    )
