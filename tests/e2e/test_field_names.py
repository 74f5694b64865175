"""Refusals name what the client sent, as GraphQL spells it (issue 14).

Every mutation is walked with the fuzz suite's inputs (tests/e2e/test_fuzz.py): each
refusal that names a field names one of that mutation's input fields, in camelCase, and
its message names no command field as Python spells it (``milestones_done``)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from graphql import GraphQLInputObjectType, GraphQLNonNull
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.application import commands as c
from gateway.schema import build_schema
from tests.e2e.test_fuzz import build_world, inputs_of
from tests.support.api import Api

EXAMPLES_PER_MUTATION = 30


def input_fields() -> dict[str, set[str]]:
    """Each mutation's input fields, from the served schema."""
    mutation = build_schema()._schema.mutation_type
    assert mutation is not None
    fields: dict[str, set[str]] = {}
    for name, field in mutation.fields.items():
        argument = field.args["input"].type
        input_type = argument.of_type if isinstance(argument, GraphQLNonNull) else argument
        assert isinstance(input_type, GraphQLInputObjectType)
        fields[name] = set(input_type.fields)
    return fields


def python_names() -> re.Pattern[str]:
    """Every command field Python spells with an underscore."""
    names: set[str] = set()
    pending: list[type] = [c.Command]
    while pending:
        command = pending.pop()
        pending.extend(command.__subclasses__())
        if dataclasses.is_dataclass(command):
            names |= {f.name for f in dataclasses.fields(command) if "_" in f.name}
    return re.compile(r"\b(" + "|".join(sorted(names)) + r")\b")


def walker(
    operation: str,
    strategy: st.SearchStrategy[dict[str, Any]],
    attempt: Callable[[str, dict[str, Any]], Awaitable[list[dict[str, Any]]]],
    seen: list[dict[str, Any]],
) -> Callable[[], None]:
    """A deterministic walk of one mutation's inputs, gathering the errors answered."""

    @settings(
        max_examples=EXAMPLES_PER_MUTATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    @given(strategy)
    def walk(input: dict[str, Any]) -> None:
        seen.extend(anyio.from_thread.run(attempt, operation, input))

    return walk


def chosen(world: Any) -> dict[str, list[dict[str, Any]]]:
    """Refusals whose rule names another field, which a random walk may miss."""
    metric, milestones = world.ids["key_result"]
    year = world.ids["cycle"][0]
    return {
        "recordCheckIn": [
            {"keyResultId": milestones, "value": 1},
            {"keyResultId": metric, "milestonesDone": 1},
        ],
        "openCycle": [
            {"name": "Backwards", "kind": "ANNUAL", "startsOn": "2030-02-01",
             "endsOn": "2030-01-01"},
            {"name": "Orphan", "kind": "QUARTERLY", "startsOn": "2030-01-01",
             "endsOn": "2030-02-01"},
        ],
        "addKeyResult": [{"objectiveId": world.ids["objective"][0], "title": "No target",
                          "startValue": 1}],
        "createObjective": [{"cycleId": year, "teamId": "nope", "title": "Lost"}],
        "setCheckInCadence": [{"teamId": world.ids["team"][0], "days": 0}],
    }  # fmt: skip


# Mutations whose input is ids alone (or an enum list the schema itself checks): no rule
# of theirs can answer BAD_USER_INPUT naming a field.
ID_ONLY = {
    "closeCycle", "deactivatePerson", "reactivatePerson", "disconnectDataSource", "redeliver",
    "rotateWebhookSecret", "setNotificationPreferences",
}  # fmt: skip


async def test_every_refusal_names_a_field_of_the_mutation_input(api: Api) -> None:
    world = await build_world(api)
    schema_fields = input_fields()
    snake = python_names()
    refusals: dict[str, int] = {}

    async def attempt(operation: str, input: dict[str, Any]) -> list[dict[str, Any]]:
        input_type = operation[0].upper() + operation[1:] + "Input"
        body = await api.post(
            f"mutation($i: {input_type}!) {{ {operation}(input: $i) {{ __typename }} }}",
            {"i": input},
        )
        return [e for e in body.get("errors") or [] if e.get("path")]

    # A rule of updateKeyResult is reached only with the key result's current version.
    metric = world.ids["key_result"][0]
    kr = await api.data("query($id: ID!) { keyResult(id: $id) { version } }", id=metric)
    stale_free = {"id": metric, "expectedVersion": kr["keyResult"]["version"], "weight": 0}
    extra = {"updateKeyResult": [stale_free]}
    for operation, strategy in inputs_of(world).items():
        seen: list[dict[str, Any]] = []
        walk = walker(operation, strategy, attempt, seen)
        await anyio.to_thread.run_sync(walk)
        # Refusals whose words name fields.
        for input in [*chosen(world).get(operation, []), *extra.get(operation, [])]:
            seen.extend(await attempt(operation, input))
        for error in seen:
            extensions = error.get("extensions", {})
            field = extensions.get("field")
            if field is not None:
                assert field in schema_fields[operation], (operation, error)
                assert error["message"].startswith(f"{field}") or extensions["code"] != (
                    "BAD_USER_INPUT"
                ), (operation, error)
            assert not snake.search(error["message"]), (operation, error)
            if extensions.get("code") == "BAD_USER_INPUT":
                refusals[operation] = refusals.get(operation, 0) + 1
    # The walk reached the rules of every mutation that has rules.
    assert set(schema_fields) - set(refusals) <= ID_ONLY, sorted(set(schema_fields) - set(refusals))


def test_rules_speak_graphql() -> None:
    """A rule's own words name other fields as GraphQL spells them."""
    from gateway.schema.errors import graphql_names

    rule = "a milestone key result takes milestones_done; must not be before starts_on"
    assert graphql_names(rule) == (
        "a milestone key result takes milestonesDone; must not be before startsOn"
    )
