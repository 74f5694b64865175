"""What every command is: an immutable request to change OKRs, and nothing else.

A command holds the caller's input exactly as the caller named it (``key_result_id``
is ``keyResultId`` in GraphQL), so a refusal can name the field the caller sent. It
documents itself for its callers: its docstring says what it does, ``input_doc`` what
the request holds as a whole, ``argument_doc`` what it is asked about, and each field
annotated with a string carries that string as its documentation. Fields defaulting to
``KEEP`` are left unchanged when left out. Its handler (``domain.application.handlers``)
does the work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Annotated, Any, ClassVar


class EntityId:
    """Marks a text field that holds an entity's opaque id (GraphQL's ``ID``)."""

    def __repr__(self) -> str:
        return "EntityId()"


# An entity's opaque id, as clients hold it: text to Python, ``ID`` to GraphQL.
Id = Annotated[str, EntityId()]


@dataclass(frozen=True, kw_only=True)
class Command:
    input_doc: ClassVar[str] = ""
    argument_doc: ClassVar[str] = ""

    def arguments(self, *left_out: str) -> dict[str, Any]:
        """The command's fields by name, for the aggregate method that takes them (those
        named in ``left_out`` are the handler's to use)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in left_out}

    def lock(self) -> object:
        """Commands with the same lock queue in this process rather than collide on a
        save: the stream the handler edits. By default, commands of one kind queue."""
        return type(self).__name__

    def request(self) -> dict[str, Any]:
        """What makes two commands the same request, for idempotency keys: by default,
        every field."""
        return asdict(self)


@dataclass(frozen=True)
class Saved:
    """What a handled command answers: the entity it changed, the log position to wait
    for before reading it back, once, a secret it created (a token's), and what a
    command of many changes did, change by change (an import's)."""

    id: str
    position: int | None
    events: int = 0
    secret: str | None = None
    notes: tuple[str, ...] = ()
