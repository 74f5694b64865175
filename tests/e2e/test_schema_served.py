"""The schema as a published contract: what ``okra schema`` prints and what the
gateway serves are the committed SDL."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLSchema,
    build_ast_schema,
    build_client_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    parse,
    print_schema,
)

from gateway.settings import Introspection, Settings
from tests.support.api import running
from tests.support.processes import okra

COMMITTED = Path(__file__).parents[2] / "schema.graphql"
REGENERATE = "the schema changed: regenerate it with `okra schema > schema.graphql`"


def normalised(schema: GraphQLSchema) -> str:
    """The schema as introspection sees it, sorted: what a client can tell apart."""
    return print_schema(lexicographic_sort_schema(schema))


def test_okra_schema_prints_the_committed_sdl() -> None:
    printed = okra("schema").stdout
    assert printed.startswith(('"""', "type ", "input ", "enum ", "scalar ", "interface "))
    assert printed == COMMITTED.read_text(), REGENERATE


async def test_the_served_schema_is_the_committed_one(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "okra-data", introspection=Introspection.ON)
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
