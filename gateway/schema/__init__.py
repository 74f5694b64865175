"""The OKRA GraphQL schema, with the limits that keep one request from hurting others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types

from gateway.schema import (
    audit,
    audit_trail,
    corrections,
    mutation,
    query,
    strategy,
    subscription,
    trends,
)
from gateway.schema.errors import MaskUnexpectedErrors
from gateway.settings import Settings

# Each feature contributes its own Query/Mutation class; merged here into one schema.
Query = merge_types(
    "Query",
    (
        query.Query,
        strategy.StrategyQuery,
        audit.AuditQuery,
        audit_trail.AuditTrailQuery,
        trends.TrendsQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (mutation.Mutation, strategy.StrategyMutation, corrections.CorrectionsMutation),
)
Subscription = merge_types("Subscription", (subscription.Subscription,))


class OkraSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Refusals are answers, not faults: MaskUnexpectedErrors logs the faults."""


def build_schema(
    settings: Settings | None = None,
    measure: type[SchemaExtension] | None = None,
) -> strawberry.Schema:
    settings = settings or Settings()
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        *([measure] if measure else []),
        MaskUnexpectedErrors,
        lambda: ParserCache(maxsize=256),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: ValidationCache(maxsize=256),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    return OkraSchema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions
    )
