"""The schema as a published contract: described throughout (what is served is the
committed SDL: see tests/e2e/test_schema_served.py)."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_ast_schema,
    parse,
)

from gateway.schema import build_schema

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def undescribed(schema: GraphQLSchema) -> list[str]:
    """Every type, field, argument, input field and enum value of OKRA's own that has
    no description (GraphQL's built-in scalars and introspection types aside)."""
    missing: list[str] = []

    def check(where: str, description: str | None) -> None:
        if not (description or "").strip():
            missing.append(where)

    for name, kind in sorted(schema.type_map.items()):
        if name.startswith("__") or name in BUILT_IN:
            continue
        check(name, kind.description)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                check(f"{name}.{field_name}", field.description)
                for arg_name, arg in field.args.items():
                    check(f"{name}.{field_name}({arg_name})", arg.description)
        elif isinstance(kind, GraphQLInputObjectType):
            for field_name, input_field in kind.fields.items():
                check(f"{name}.{field_name}", input_field.description)
        elif isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                check(f"{name}.{value_name}", value.description)
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    assert undescribed(build_schema()._schema) == []


def test_the_check_finds_what_lacks_a_description() -> None:
    bare = build_ast_schema(
        parse('"""Described."""\ntype Query { bare(arg: Int): Shade }\nenum Shade { DARK }')
    )
    assert undescribed(bare) == ["Query.bare", "Query.bare(arg)", "Shade", "Shade.DARK"]
