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
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from gateway.schema.context import Info
from gateway.schema.errors import OkraError
from projections.documents import Doc
from projections.store import Where
from projections.views import View

T = TypeVar("T")
R = TypeVar("R")  # a row as a store answers it
PAGE_SIZE = 50
PAGE_SIZE_MAX = 100
POSITION_MAX = 2**63 - 1

# The paging arguments, described once for every connection (Relay's four).
First = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many items to return from the start (after `after`), "
        f"0–{PAGE_SIZE_MAX}; the default when neither first nor last is given is {PAGE_SIZE}."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Return the items after this cursor (a previous page's endCursor)."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many items to return from the end (before `before`), "
        f"0–{PAGE_SIZE_MAX}; not together with first."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="Return the items before this cursor (a later page's startCursor)."
    ),
]


def encode_cursor(pos: int) -> str:
    return base64.urlsafe_b64encode(f"pos:{pos}".encode()).decode()


def _not_a_cursor(argument: str) -> OkraError:
    return OkraError(
        f"{argument}: not a cursor this API handed out", "BAD_USER_INPUT", argument
    )


def decode_cursor(cursor: str, argument: str = "after") -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "pos":
            raise ValueError(kind)
        position = int(value)
    except ValueError:
        raise _not_a_cursor(argument) from None
    if not 0 <= position <= POSITION_MAX:  # a position the stores' bigint can hold
        raise _not_a_cursor(argument)
    return position


Key = tuple[str | int, ...]


def encode_key_cursor(key: Key) -> str:
    return base64.urlsafe_b64encode(f"key:{json.dumps(list(key))}".encode()).decode()


def decode_key_cursor(cursor: str, argument: str = "after") -> Key:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        key = json.loads(value) if kind == "key" else None
    except ValueError:
        raise _not_a_cursor(argument) from None
    if not isinstance(key, list) or not all(_key_part(part) for part in key):
        raise _not_a_cursor(argument)
    return tuple(key)


def _key_part(part: object) -> bool:
    if isinstance(part, str):
        return True
    return isinstance(part, int) and not isinstance(part, bool) and abs(part) <= POSITION_MAX


def _same_shape(a: Key, b: Key) -> bool:
    return len(a) == len(b) and all(type(x) is type(y) for x, y in zip(a, b, strict=True))


@dataclass(frozen=True)
class Page:
    """The four paging arguments of a connection, checked: a page of ``size`` items
    from the start of what lies between the cursors, or (``backward``, with ``last``)
    from its end, as the Relay specification lays it out."""

    size: int
    backward: bool = False
    after: str | None = None
    before: str | None = None

    @classmethod
    def of(
        cls,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Page:
        if first is not None and last is not None:
            raise OkraError(
                "last: give first or last, not both", "BAD_USER_INPUT", "last"
            )
        argument, size = ("last", last) if last is not None else ("first", first)
        size = PAGE_SIZE if size is None else size
        if not 0 <= size <= PAGE_SIZE_MAX:
            raise OkraError(
                f"{argument}: must be between 0 and {PAGE_SIZE_MAX}", "BAD_USER_INPUT", argument
            )
        return cls(size, last is not None, after or None, before or None)

    def positions(self) -> tuple[int | None, int | None]:
        """The log positions of the cursors (lists in log order)."""
        return (
            decode_cursor(self.after) if self.after else None,
            decode_cursor(self.before, "before") if self.before else None,
        )


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether items follow this page: exact when paging forward (first); "
        "backward, whether the page was asked for before a cursor."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether items precede this page: exact when paging backward (last); "
        "forward, whether the page was asked for after a cursor."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the first item; pass it as before for the page before."
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


async def paginate(
    info: Info,
    view: View,
    where: Where,
    make: Callable[[Doc], T],
    page: Page,
    descending: bool = False,
) -> Connection[T]:
    """A page of a view's documents in log order (newest first with ``descending``),
    read in SQL (see :func:`read_page`)."""
    store = info.context.backend.store

    async def read(after: int | None, before: int | None, limit: int, newest: bool) -> list[Doc]:
        return await store.find(view, where, limit, after=after, before=before, descending=newest)

    async def count() -> int:
        return await store.count(view, where)

    return await read_page(page, read, lambda d: int(d["pos"]), make, count, descending)


async def read_page(
    page: Page,
    read: Callable[[int | None, int | None, int, bool], Awaitable[Sequence[R]]],
    position: Callable[[R], int],
    make: Callable[[R], T],
    count: Callable[[], Awaitable[int]],
    descending: bool = False,
) -> Connection[T]:
    """A page of a list kept in log order (newest first with ``descending``) and read
    from a store: ``read(after, before, limit, descending)`` answers the rows past
    ``after`` and short of ``before`` in the order asked. ``size + 1`` rows are read from
    the end being paged from, the one past the page telling whether more lie beyond it."""
    after, before = page.positions()
    if page.backward:  # the same range read from its far end, then turned round
        rows = await read(before, after, page.size + 1, not descending)
        items = list(rows[: page.size])[::-1]
    else:
        rows = await read(after, before, page.size + 1, descending)
        items = list(rows[: page.size])
    more = len(rows) > page.size
    edges = [Edge(cursor=encode_cursor(position(r)), node=make(r)) for r in items]
    if page.backward:
        return _connection(edges, earlier=more, later=before is not None, count=count)
    return _connection(edges, earlier=after is not None, later=more, count=count)


def page_of(
    docs: Sequence[Doc],
    make: Callable[[Doc], T],
    page: Page,
    key: Callable[[Doc], Key] | None = None,
    descending: bool = False,
) -> Connection[T]:
    """A page of a list already in memory and sorted.

    Without ``key`` the list is in log order and its cursors are those of the
    top-level lists (log positions); with ``key`` (the list sorted by it,
    ``descending`` or not) the cursor holds the sort key.
    """
    sort_key: Callable[[Doc], Any] = key or (lambda d: d["pos"])
    keys = [sort_key(d) for d in docs]

    def mark(cursor: str, argument: str) -> Any:
        if key is None:
            return decode_cursor(cursor, argument)
        found = decode_key_cursor(cursor, argument)
        if keys and not _same_shape(found, keys[0]):
            raise _not_a_cursor(argument)
        return found

    def beyond(k: Any, m: Any) -> bool:  # k comes after m in the list's order
        return bool(k < m if descending else k > m)

    low = sum(1 for k in keys if not beyond(k, mark(page.after, "after"))) if page.after else 0
    high = (
        sum(1 for k in keys if beyond(mark(page.before, "before"), k))
        if page.before
        else len(docs)
    )
    high = max(low, high)
    if page.backward:
        start, end = max(low, high - page.size), high
    else:
        start, end = low, min(high, low + page.size)
    edges = [
        Edge(
            cursor=encode_cursor(d["pos"]) if key is None else encode_key_cursor(keys[i]),
            node=make(d),
        )
        for i, d in enumerate(docs[start:end], start)
    ]
    total = len(docs)

    async def count() -> int:
        return total

    # As the Relay specification words it: exact toward the end being paged from,
    # and toward the cursor on the other side, whether anything lies past it.
    crowded = high - low > page.size
    if page.backward:
        return _connection(edges, earlier=crowded, later=high < len(docs), count=count)
    return _connection(edges, earlier=low > 0, later=crowded, count=count)


def _connection(
    edges: list[Edge[T]],
    *,
    earlier: bool,
    later: bool,
    count: Callable[[], Awaitable[int]],
) -> Connection[T]:
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=later,
            has_previous_page=earlier,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        counter=count,
    )
