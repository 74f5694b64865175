"""Relay cursor connections for the lists that grow.

Cursors are keyset positions (the log position that created the row, or for lists
in another order the sort key itself), so a page stays stable while new events
arrive: a cursor names a place in the order, not an offset that new rows shift.

Top-level lists page in SQL. Nested lists (a key result's check-ins, a team's
objectives) page in memory over what one DataLoader fetched for every parent of
the request at once, so a dashboard costs one statement per relation whatever the
page size, and ``totalCount`` costs nothing more.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from gateway.schema.context import Info
from gateway.schema.errors import OkraError
from projections.documents import Doc
from projections.store import Where
from projections.views import View

T = TypeVar("T")
PAGE_SIZE = 50
PAGE_SIZE_MAX = 100
POSITION_MAX = 2**63 - 1

# The paging arguments, described once for every connection.
First = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many items to return, 0–{PAGE_SIZE_MAX} (default {PAGE_SIZE})."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Return the items after this cursor (a previous page's endCursor)."
    ),
]


def encode_cursor(pos: int) -> str:
    return base64.urlsafe_b64encode(f"pos:{pos}".encode()).decode()


def _not_a_cursor() -> OkraError:
    return OkraError("after: not a cursor this API handed out", "BAD_USER_INPUT", "after")


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "pos":
            raise ValueError(kind)
        position = int(value)
    except ValueError:
        raise _not_a_cursor() from None
    if not 0 <= position <= POSITION_MAX:  # a position the stores' bigint can hold
        raise _not_a_cursor()
    return position


Key = tuple[str | int, ...]


def encode_key_cursor(key: Key) -> str:
    return base64.urlsafe_b64encode(f"key:{json.dumps(list(key))}".encode()).decode()


def decode_key_cursor(cursor: str) -> Key:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        key = json.loads(value) if kind == "key" else None
    except ValueError:
        raise _not_a_cursor() from None
    if not isinstance(key, list) or not all(_key_part(part) for part in key):
        raise _not_a_cursor()
    return tuple(key)


def _key_part(part: object) -> bool:
    if isinstance(part, str):
        return True
    return isinstance(part, int) and not isinstance(part, bool) and abs(part) <= POSITION_MAX


def _same_shape(a: Key, b: Key) -> bool:
    return len(a) == len(b) and all(type(x) is type(y) for x, y in zip(a, b, strict=True))


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Whether this page was asked for after a cursor."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the first item of the page; null if empty."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the last item; pass it as after for the next page."
    )


@strawberry.type(description="One item of a page and the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Where this item stands; pass it as after to get the items after it."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, Relay style.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Where this page stands in the list.")
    # Counting may cost a query: it runs only when a client asks for totalCount.
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole list holds.")
    async def total_count(self) -> int:
        return await self.counter()

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
    store = info.context.backend.store

    async def count() -> int:
        return await store.count(view, where)

    return _connection(edges, len(docs) > size, after_pos is not None, count)


def page_of(
    docs: Sequence[Doc],
    make: Callable[[Doc], T],
    first: int | None,
    after: str | None,
    key: Callable[[Doc], Key] | None = None,
    descending: bool = False,
) -> Connection[T]:
    """A page of a list already in memory and sorted.

    Without ``key`` the list is in log order and its cursors are those of the
    top-level lists (log positions); with ``key`` (the list sorted by it,
    ``descending`` or not) the cursor holds the sort key, and ``after`` keeps what
    sorts past it.
    """
    size = check_first(first)
    rest: Sequence[Doc] = docs
    if after and key is None:
        after_pos = decode_cursor(after)
        rest = [d for d in docs if d["pos"] > after_pos]
    elif after and key is not None:
        mark: Any = decode_key_cursor(after)
        keyed = [(key(d), d) for d in docs]
        if keyed and not _same_shape(mark, keyed[0][0]):
            raise _not_a_cursor()
        rest = [d for k, d in keyed if (k < mark if descending else k > mark)]
    page = rest[:size]
    edges = [
        Edge(
            cursor=encode_cursor(d["pos"]) if key is None else encode_key_cursor(key(d)),
            node=make(d),
        )
        for d in page
    ]
    total = len(docs)

    async def count() -> int:
        return total

    return _connection(edges, len(rest) > size, bool(after), count)


def _connection(
    edges: list[Edge[T]], more: bool, earlier: bool, count: Callable[[], Awaitable[int]]
) -> Connection[T]:
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more,
            has_previous_page=earlier,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        counter=count,
    )
