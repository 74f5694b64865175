"""The OKRA GraphQL schema, with the limits that keep one request from hurting others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types.base import get_object_definition

from gateway.schema import (
    audit,
    audit_trail,
    mutation,
    people,
    query,
    retrospective,
    strategy,
    subscription,
    time_travel,
    trends,
    webhooks,
)
from gateway.schema.cacheable import MarkCacheable
from gateway.schema.errors import MaskUnexpectedErrors
from gateway.schema.execution import OkraExecutionContext
from gateway.schema.guards import GuardOperations
from gateway.schema.introspection import GuardIntrospection
from gateway.schema.release import ReleaseReads
from gateway.settings import Settings

# Each feature contributes its own Query/Mutation class; merged here into one schema.
Query = merge_types(
    "Query",
    (
        query.Query,
        time_travel.TimeTravelQuery,
        people.PeopleQuery,
        strategy.StrategyQuery,
        audit.AuditQuery,
        audit_trail.AuditTrailQuery,
        trends.TrendsQuery,
        retrospective.RetrospectiveQuery,
        webhooks.WebhooksQuery,
    ),
)
Mutation = mutation.Mutation
Subscription = merge_types("Subscription", (subscription.Subscription,))

# merge_types takes no description: the root types get theirs here.
for root, text in (
    (Query, "Reads, served from the views (never the event log)."),
    (Mutation, "Writes: each runs one command and answers once queries can see its effect."),
    (Subscription, "Live updates over graphql-transport-ws, sent once queries can see them."),
):
    get_object_definition(root, strict=True).description = text


class OkraSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Refusals are answers, not faults: MaskUnexpectedErrors logs the faults.

        A document that does not parse never reaches the extensions that give the
        other refusals their code, so it gets its code here.
        """
        for error in errors:
            if isinstance(error, GraphQLSyntaxError) and not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_PARSE_FAILED"}


def build_schema(
    settings: Settings | None = None,
    measure: type[SchemaExtension] | None = None,
) -> strawberry.Schema:
    settings = settings or Settings()
    # The limiters make a new rule class per instance, and ValidationCache keys on the
    # rule classes: built per request they made every validation a miss (~10% of a
    # dashboard). So the rules are made once and added to each request as they are.
    limits = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        *([measure] if measure else []),
        MaskUnexpectedErrors,
        lambda: ParserCache(maxsize=256),
        lambda: AddValidationRules(limits),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: GuardIntrospection(settings.introspection),
        lambda: ValidationCache(maxsize=256),
        # After the validation cache: it checks documents that validated.
        lambda: GuardOperations(settings.max_query_cost),
        MarkCacheable,
        ReleaseReads,
    ]
    return OkraSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        execution_context_class=OkraExecutionContext,
    )
