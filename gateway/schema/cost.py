"""What a query costs, worked out from its document and variables before it runs.

The model (documented in the README's Security section):

- every field selected costs 1;
- a field that pages (it takes ``first``) costs its selection times ``first`` (the
  variable's value or the argument's, 50 when left out, at most 100);
- any other list (an objective's key results, a retrospective's teams) costs its
  selection times :data:`LIST_FACTOR`, except a page's own ``edges`` and ``nodes``;
- the heavy roots, which compute over a whole cycle or the log, cost
  :data:`HEAVY` on top of their selection: what they cost measured against a dashboard
  of plain fields (see the README);
- fragments count where they are spread; every branch of a union counts.

strawberry (0.341) ships depth, token and alias limits but no cost limit, and the one
Python package for it (graphql-complexity) reads no variables, so ``first: $n`` would
cost nothing; this is written on graphql-core's AST instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLWrappingType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.type.definition import GraphQLInterfaceType

PAGE_DEFAULT = 50
PAGE_MAX = 100
LIST_FACTOR = 5  # lists bounded by one cycle: key results, bets, teams, findings
# The roots that compute over a cycle, a tree or the log, in units of one field.
HEAVY: Mapping[str, int] = {
    "retrospective": 10_000,
    "alignmentAudit": 5_000,
    "strategyMap": 2_000,
    "alignment": 2_000,
    "auditTrail": 1_000,
}
TEAM_TREND = 2_000  # scoreTrend(teamId: …): every objective of a team over the range


def heavy(field: FieldNode) -> int:
    """The extra cost of a root field that computes over much (0 for the others)."""
    name = field.name.value
    if name in HEAVY:
        return HEAVY[name]
    if name == "scoreTrend" and any(a.name.value == "teamId" for a in field.arguments or ()):
        return TEAM_TREND
    return 0


def _first(field: FieldNode, variables: Mapping[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        given: Any = None
        if isinstance(value, IntValueNode):
            given = int(value.value)
        elif isinstance(value, VariableNode):
            given = variables.get(value.name.value)
        if isinstance(given, int) and not isinstance(given, bool):
            return max(0, min(given, PAGE_MAX))
        return PAGE_DEFAULT
    return PAGE_DEFAULT


class Costing:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        root: GraphQLNamedType | None,
    ) -> None:
        self.schema = schema
        self.root = root
        self.fragments = fragments
        self.variables = variables

    def selection(
        self,
        selections: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        seen: frozenset[str],
    ) -> int:
        if selections is None:
            return 0
        total = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                total += self.field(node, parent, seen)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection(node.selection_set, target, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                total += self.selection(fragment.selection_set, target, seen | {name})
        return total

    def root_fields(self, selections: SelectionSetNode, seen: frozenset[str]) -> list[FieldNode]:
        """The fields at the root of an operation, through its fragments."""
        found: list[FieldNode] = []
        for node in selections.selections:
            if isinstance(node, FieldNode):
                found.append(node)
            elif isinstance(node, InlineFragmentNode):
                found += self.root_fields(node.selection_set, seen)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    found += self.root_fields(fragment.selection_set, seen | {node.name.value})
        return found

    def field(self, node: FieldNode, parent: GraphQLNamedType | None, seen: frozenset[str]) -> int:
        definition = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(node.name.value)
        if definition is None:  # __typename, introspection, or a type we cannot see into
            return 1 + self.selection(node.selection_set, None, seen)
        own = 1 + (heavy(node) if parent is self.root else 0)
        children = self.selection(node.selection_set, get_named_type(definition.type), seen)
        if "first" in definition.args:
            return own + _first(node, self.variables) * children
        in_page = isinstance(parent, GraphQLObjectType) and parent.name.endswith("Connection")
        if _is_list(definition.type) and not in_page:
            return own + LIST_FACTOR * children
        return own + children


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLWrappingType):
        if isinstance(type_, GraphQLList):
            return True
        type_ = type_.of_type
    return False


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None,
) -> int:
    """The cost of one operation of a validated document."""
    root = schema.get_root_type(operation.operation)
    costing = Costing(schema, fragments, variables or {}, root)
    return costing.selection(operation.selection_set, root, frozenset())


def is_heavy(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> bool:
    """Whether the operation selects a heavy root (directly or through fragments)."""
    root = schema.get_root_type(operation.operation)
    probe = Costing(schema, fragments, {}, root)
    return any(heavy(node) for node in probe.root_fields(operation.selection_set, frozenset()))
