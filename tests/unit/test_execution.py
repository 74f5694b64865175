"""The shorter execution path answers exactly as graphql-core's own does.

``gateway/schema/execution.py`` answers plain attributes (leaves, objects and lists of
objects) without graphql-core's per-field machinery. Here one small schema is run both
ways, on values that are fine and on ones that fail at every depth (a resolver that
raises inside a nullable object, a non-null one, a list item; a null where a non-null
object is due; a list holding a null), and the answers (data and errors, with their
paths) must be the same.
"""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig

from gateway.schema.execution import OkraExecutionContext


@strawberry.type
class Leaf:
    name: str
    size: int | None = None
    fail: bool = False

    @strawberry.field
    def checked(self) -> str:
        if self.fail:
            raise ValueError(f"{self.name} failed")
        return self.name.upper()


@strawberry.type
class Box:
    label: str
    inner: Leaf | None
    required: Leaf
    leaves: list[Leaf]
    maybe_leaves: list[Leaf | None] | None


@strawberry.type
class Query:
    boxes: list[Box | None]


def box(label: str, **fail: bool) -> Box:
    return Box(
        label=label,
        inner=Leaf(name="inner", fail=fail.get("inner", False)),
        required=Leaf(name="required", size=3, fail=fail.get("required", False)),
        leaves=[Leaf(name=f"leaf{i}", fail=fail.get(f"leaf{i}", False)) for i in range(3)],
        maybe_leaves=[Leaf(name="m0"), None] if fail.get("holes") else [Leaf(name="m0")],
    )


CASES: dict[str, list[Any]] = {
    "fine": [box("a"), box("b")],
    "inner object fails": [box("a", inner=True), box("b")],
    "non-null object fails": [box("a", required=True), box("b")],
    "list item fails": [box("a", leaf1=True)],
    "a null where an object is due": [
        Box(label="x", inner=None, required=None, leaves=[], maybe_leaves=None),  # type: ignore[arg-type]
        box("b"),
    ],
    "a list with a hole": [box("a", holes=True)],
    "a missing list": [
        Box(label="x", inner=None, required=Leaf(name="r"), leaves=None, maybe_leaves=None)  # type: ignore[arg-type]
    ],
}

QUERY = """{ boxes { label
  inner { name size checked }
  required { name size checked }
  leaves { name checked }
  maybeLeaves { name checked } } }"""


def answer(shortcut: bool, boxes: list[Any]) -> dict[str, Any]:
    schema = strawberry.Schema(
        query=Query,
        config=StrawberryConfig(auto_camel_case=True),
        execution_context_class=OkraExecutionContext if shortcut else None,
    )
    result = schema.execute_sync(QUERY, root_value=Query(boxes=boxes))
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
    return {"data": result.data, "errors": errors}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_shorter_path_answers_as_graphql_core_does(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = answer(False, CASES[case])
    taken: list[str] = []
    completed = OkraExecutionContext._completed

    def counted(self: OkraExecutionContext, *args: Any) -> Any:
        taken.append(args[3].name)
        return completed(self, *args)

    monkeypatch.setattr(OkraExecutionContext, "_completed", counted)
    assert answer(True, CASES[case]) == expected
    assert "Leaf" in taken  # the objects were answered the shorter way
