"""Global object identification (Relay's ``Node``): every entity answers ``node(id:)``.

OKRA's ids were opaque and unique across types from the start, so they stay what they
are: ``node(id:)`` takes the very ids the other fields hand out. Two kinds exist:

- **stored** ids, those of the entities themselves (a team's UUID, a key result's
  ``<objective>.<n>``, a check-in's log position). Nothing in them names the type, so
  ``node`` asks every type that stores objects by id, each through the request's
  DataLoader of its view: one indexed lookup per view for all the ids of a request,
  never a scan, and the documents found serve the rest of the request too.
- **derived** ids, minted here for answers that are not stored under an id of their
  own: a team's portfolio in a cycle, the strategy map seen from a cycle, and every
  answer given ``asOf`` (the entity and the moment). They are Relay-style global ids,
  ``base64("Type:key")``, so the type is read from the id and only its resolver runs.

A type joins by subclassing ``Node``: ``class Team(Node, Audited, stored_in=TEAMS)`` is
all a type stored by id in a view needs (it must have ``from_doc``). A type whose
objects are found another way overrides :meth:`Node.find`; one with derived ids also
sets ``derived = True`` and makes its ids with :func:`derived_id`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from typing import TYPE_CHECKING, Any, ClassVar

import strawberry

from gateway.schema.context import Info

if TYPE_CHECKING:
    from projections.views import View

# Every Node type by its GraphQL name (each class is named as its type: a test checks).
NODE_TYPES: dict[str, type[Node]] = {}


@strawberry.interface(
    description="An object with a global id: node(id:) answers it again, whatever its type."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque and unique across every type; node(id:) finds the object again."
    )

    # Where node(id:) finds objects of this type by their id (see the module docstring).
    stored_in: ClassVar[View | None] = None
    derived: ClassVar[bool] = False

    def __init_subclass__(cls, stored_in: View | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if stored_in is not None:
            cls.stored_in = stored_in
        NODE_TYPES[cls.__name__] = cls

    @classmethod
    async def find(cls, info: Info, key: str) -> Node | None:
        """The object with this id (or, for derived ids, this key), or None."""
        assert cls.stored_in is not None, f"{cls.__name__} must say how node(id:) finds it"
        doc = await info.context.loaders.one(cls.stored_in).load(key)
        return cls.from_doc(doc) if doc is not None else None  # type: ignore[attr-defined]


def derived_id(type_name: str, key: str) -> strawberry.ID:
    """The global id of an answer that has no stored id: ``base64("Type:key")``."""
    return strawberry.ID(base64.b64encode(f"{type_name}:{key}".encode()).decode())


def read_derived(node_id: str) -> tuple[type[Node], str] | None:
    """The type and key of a derived id; None for anything else (stored ids contain
    characters base64 does not, or decode to no known type)."""
    try:
        text = base64.b64decode(node_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    name, colon, key = text.partition(":")
    found = NODE_TYPES.get(name)
    return (found, key) if colon and found is not None and found.derived else None


async def find_node(info: Info, node_id: str) -> Node | None:
    """What ``node(id:)`` answers: the object, or None for an id nobody handed out."""
    derived = read_derived(node_id)
    if derived is not None:
        node_type, key = derived
        return await node_type.find(info, key)
    stored = [t for t in NODE_TYPES.values() if not t.derived]
    found = await asyncio.gather(*(t.find(info, node_id) for t in stored))
    return next((node for node in found if node is not None), None)
