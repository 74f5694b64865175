"""The schema as a published contract: committed as SDL, and described throughout."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_ast_schema,
    build_client_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    parse,
    print_schema,
)

from gateway.schema import build_schema
from gateway.settings import Settings
from tests.conftest import running
from tests.processes import okra

COMMITTED = Path(__file__).parent.parent / "schema.graphql"
REGENERATE = "the schema changed: regenerate it with `okra schema > schema.graphql`"
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


def normalised(schema: GraphQLSchema) -> str:
    """The schema as introspection sees it, sorted: what a client can tell apart."""
    return print_schema(lexicographic_sort_schema(schema))


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    assert undescribed(build_schema()._schema) == []


def test_the_check_finds_what_lacks_a_description() -> None:
    bare = build_ast_schema(
        parse('"""Described."""\ntype Query { bare(arg: Int): Shade }\nenum Shade { DARK }')
    )
    assert undescribed(bare) == ["Query.bare", "Query.bare(arg)", "Shade", "Shade.DARK"]


def test_okra_schema_prints_the_committed_sdl() -> None:
    printed = okra("schema").stdout
    assert printed.startswith(('"""', "type ", "input ", "enum ", "scalar ", "interface "))
    assert printed == COMMITTED.read_text(), REGENERATE


async def test_the_served_schema_is_the_committed_one(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "okra-data", introspection=True)
    async with running(settings) as api:
        answer = await api.data(
            get_introspection_query(
                descriptions=True,
                specified_by_url=True,
                directive_is_repeatable=True,
                input_value_deprecation=True,
            )
        )
    served = build_client_schema(answer)
    committed = build_ast_schema(parse(COMMITTED.read_text()))
    assert normalised(served) == normalised(committed), REGENERATE
