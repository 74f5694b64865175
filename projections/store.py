"""The interface both read-model stores offer, and the SQL they share.

A store keeps the view tables and the projection's tracking row side by side, so
that a batch of documents and the log position it reaches commit in one
transaction: after a crash the projector resumes exactly where the views are.
The tracking row is advanced by compare-and-set, so two projectors that somehow
process the same batch cannot both commit it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from projections.documents import Batch, Doc
from projections.views import ALL_VIEWS, PROJECTION, SCHEMA_VERSION, View


@dataclass(frozen=True)
class Between:
    """A filter value matching the half-open range [low, high) (either end open)."""

    low: str | None = None
    high: str | None = None


# A filter value: one value, several (any of them), a range, or None (IS NULL).
Where = Mapping[str, str | Sequence[str] | Between | None]


class TrackingConflict(Exception):
    """Another projector advanced the views first; this batch was rolled back."""


class ViewStore(ABC):
    """Read models plus tracking, in one database; ``suffix`` names a shadow copy."""

    prefix = "okra_"

    def __init__(self, suffix: str = "") -> None:
        self.suffix = suffix

    def table(self, view: View | str) -> str:
        name = view if isinstance(view, str) else view.name
        return f"{self.prefix}{name}{self.suffix}"

    @property
    def tracking_table(self) -> str:
        return self.table("tracking")

    # -- lifecycle --------------------------------------------------------------

    @abstractmethod
    async def open(self) -> None:
        """Connect and create missing tables."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def tracking(self) -> tuple[int, int] | None:
        """``(position, schema_version)`` of the views, ``None`` if never built."""

    async def position(self) -> int:
        state = await self.tracking()
        return state[0] if state else 0

    async def is_current(self) -> bool:
        """Whether the views were built by this code's schema version."""
        state = await self.tracking()
        return state is not None and state[1] == SCHEMA_VERSION

    # -- projector side ---------------------------------------------------------

    @abstractmethod
    async def load(self, view: View, ids: Iterable[str]) -> dict[str, Doc]: ...

    @abstractmethod
    async def commit(self, batch: Batch, start: int, end: int) -> None:
        """Write the batch's documents and move tracking from ``start`` to ``end``."""

    @abstractmethod
    async def reset(self, *, indexes: bool = True) -> None:
        """Drop and recreate this store's tables, empty, at position 0; a rebuild leaves
        the secondary indexes out (``indexes=False``) and builds them at the end with
        :meth:`build_indexes`, which is cheaper than maintaining them row by row."""

    @abstractmethod
    async def build_indexes(self) -> None:
        """Create the secondary indexes that are missing."""

    @abstractmethod
    async def drop(self) -> None:
        """Drop this store's tables (a shadow or scratch copy that is done with)."""

    @abstractmethod
    async def swap_into(self, live: ViewStore) -> None:
        """Replace ``live``'s tables by this shadow's in one transaction."""

    # -- query side -------------------------------------------------------------

    @abstractmethod
    async def find(
        self,
        view: View,
        where: Where,
        limit: int | None = None,
        after: int | None = None,
        descending: bool = False,
        before: int | None = None,
    ) -> list[Doc]:
        """Documents matching every filter, in log order (or newest first, with
        ``descending``), optionally past a ``pos`` in that order (``after``) and short
        of another (``before``)."""

    @abstractmethod
    async def count(self, view: View, where: Where) -> int: ...

    @abstractmethod
    async def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The rows of a read-only query written for this store's dialect
        (``placeholder``, ``any_clause``): for queries ``find`` cannot express."""

    async def get(self, view: View, ids: Iterable[str]) -> dict[str, Doc]:
        return await self.load(view, ids)

    # -- SQL shared by both dialects --------------------------------------------

    json_type = "text"
    doc_type = "text"

    def create_statements(self, indexes: bool = True) -> list[str]:
        """The tables (and, unless ``indexes`` is false, their secondary indexes)."""
        tables = [s for s in self._schema_statements() if not s.startswith("CREATE INDEX")]
        return tables + (self.index_statements() if indexes else [])

    def index_statements(self) -> list[str]:
        return [s for s in self._schema_statements() if s.startswith("CREATE INDEX")]

    def _schema_statements(self) -> list[str]:
        statements = [
            f"CREATE TABLE IF NOT EXISTS {self.tracking_table} ("
            "projection text PRIMARY KEY, position bigint NOT NULL, "
            "schema_version integer NOT NULL)"
        ]
        for view in ALL_VIEWS:
            table = self.table(view)
            columns = "".join(f", {c.name} {c.sql_type}" for c in view.columns)
            statements.append(
                f"CREATE TABLE IF NOT EXISTS {table} "
                f"(id text PRIMARY KEY{columns}, doc {self.doc_type} NOT NULL)"
            )
            for column in (*view.indexed, "pos"):
                statements.append(
                    f"CREATE INDEX IF NOT EXISTS {table}_{column} ON {table} ({column})"
                )
            for keys in view.composite:
                statements.append(
                    f"CREATE INDEX IF NOT EXISTS {table}_{'_'.join(keys)} "
                    f"ON {table} ({', '.join(keys)})"
                )
        return statements

    def drop_statements(self) -> list[str]:
        return [f"DROP TABLE IF EXISTS {self.table(v)}" for v in (*ALL_VIEWS, "tracking")]

    def upsert_statement(self, view: View) -> str:
        names = ("id", *view.column_names, "doc")
        updates = ", ".join(f"{n} = excluded.{n}" for n in names[1:])
        return (
            f"INSERT INTO {self.table(view)} ({', '.join(names)}) "
            f"VALUES ({', '.join(self.placeholder(i + 1) for i in range(len(names)))}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}"
        )

    def upsert_rows(self, view: View, docs: Iterable[Doc]) -> list[tuple[Any, ...]]:
        return [
            (doc["id"], *(c.value(doc) for c in view.columns), self.encode(doc)) for doc in docs
        ]

    def advance_statement(self) -> str:
        p = self.placeholder
        return (
            f"UPDATE {self.tracking_table} SET position = {p(1)} "
            f"WHERE projection = '{PROJECTION}' AND position = {p(2)}"
        )

    def init_tracking_statement(self) -> str:
        return (
            f"INSERT INTO {self.tracking_table} (projection, position, schema_version) "
            f"VALUES ('{PROJECTION}', 0, {SCHEMA_VERSION}) ON CONFLICT DO NOTHING"
        )

    def select_statement(
        self,
        view: View,
        where: Where,
        limit: int | None = None,
        after: int | None = None,
        what: str = "doc",
        descending: bool = False,
        before: int | None = None,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for position, below in ((after, descending), (before, not descending)):
            if position is not None:
                params.append(position)
                clauses.append(f"pos {'<' if below else '>'} {self.placeholder(len(params))}")
        for column, value in where.items():
            if column not in ("id", *view.column_names):
                raise ValueError(f"{view.name} cannot be filtered by {column}")
            if value is None:
                clauses.append(f"{column} IS NULL")
            elif isinstance(value, Between):
                for bound, operator in ((value.low, ">="), (value.high, "<")):
                    if bound is not None:
                        params.append(bound)
                        clauses.append(f"{column} {operator} {self.placeholder(len(params))}")
            elif isinstance(value, str):
                params.append(value)
                clauses.append(f"{column} = {self.placeholder(len(params))}")
            else:
                params.append(self.encode_list(list(value)))
                clauses.append(self.any_clause(column, len(params)))
        sql = f"SELECT {what} FROM {self.table(view)}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if what == "doc":
            sql += " ORDER BY pos DESC" if descending else " ORDER BY pos"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return sql, params

    @abstractmethod
    def placeholder(self, index: int) -> str: ...

    @abstractmethod
    def any_clause(self, column: str, index: int) -> str: ...

    def encode_list(self, values: list[str]) -> Any:
        return values

    @abstractmethod
    def encode(self, doc: Doc) -> Any: ...
