"""The README's GraphQL examples run as they are, and work in a client cache: each is
valid against the schema and selects ``id`` on every object that has one."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import (
    FieldNode,
    GraphQLObjectType,
    TypeInfo,
    Visitor,
    get_named_type,
    parse,
    validate,
    visit,
)
from graphql.utilities import TypeInfoVisitor

from gateway.schema import build_schema

README = Path(__file__).parents[2] / "README.md"


def examples() -> list[str]:
    return re.findall(r"```graphql\n(.*?)```", README.read_text(), re.S)


def test_every_example_is_valid_and_selects_ids() -> None:
    schema = build_schema()._schema
    found = examples()
    assert len(found) >= 6
    missing: list[str] = []
    for example in found:
        document = parse(example)
        assert validate(schema, document) == [], example
        visit(document, TypeInfoVisitor(info := TypeInfo(schema), Ids(info, missing)))
    assert missing == []


class Ids(Visitor):
    """Notes each field whose object type has an ``id`` that the selection leaves out."""

    def __init__(self, info: TypeInfo, missing: list[str]) -> None:
        super().__init__()
        self.info = info
        self.missing = missing

    def enter_field(self, node: FieldNode, *_: object) -> None:
        kind = get_named_type(self.info.get_type())
        if isinstance(kind, GraphQLObjectType) and "id" in kind.fields:
            selected = {
                s.name.value
                for s in (node.selection_set.selections if node.selection_set else [])
                if isinstance(s, FieldNode)
            }
            if "id" not in selected:
                self.missing.append(f"{node.name.value} ({kind.name})")
