"""The data-source mutations' answers, and runDataSource, which reads before it records.

connectDataSource, updateDataSource and disconnectDataSource are plain commands.
runDataSource is not: reading the number is I/O the domain does not do, so its
resolver asks the backend's :class:`~gateway.sources.scheduler.Sources` to authorise,
read and record, then answers the source as the views show it.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types.field import StrawberryField

from domain.application import commands as c
from domain.application.commands import Saved
from domain.model.errors import DomainError
from gateway.backend import ViewsLagging
from gateway.schema.commands import MutationInput, input_type, to_command
from gateway.schema.context import Info
from gateway.schema.errors import OkraError, from_domain
from gateway.schema.types.data_source import DataSource, data_source


async def source(info: Info, saved: Saved, command: Any) -> DataSource:
    """The source as the views show it; a PUSH source's new secret, this once."""
    found = await data_source(info, saved.id)
    assert found is not None, "the views lost a data source that was just saved"
    if saved.secret is not None:
        found.push_secret = saved.secret
    return found


def run_mutation() -> StrawberryField:
    """``runDataSource(input: {id})``: read the source now, record what it read."""
    input_class = input_type(c.RunDataSource)

    async def resolve(info: Info, input: MutationInput) -> Any:
        request = to_command(c.RunDataSource, input)
        context = info.context
        if context.principal is None:
            raise OkraError(
                "writes need a token: send Authorization: Bearer <token>", "UNAUTHENTICATED"
            )
        try:
            saved = await context.backend.sources.run(
                request.id, context.principal, input.idempotency_key
            )
        except DomainError as error:
            raise from_domain(error) from None
        except ViewsLagging as lagging:
            raise OkraError(str(lagging), "TIMEOUT") from None
        context.loaders.clear()
        return await source(info, saved, request)

    resolve.__annotations__ = {
        "info": Info,
        "input": Annotated[
            input_class, strawberry.argument(description=c.RunDataSource.argument_doc)
        ],
        "return": DataSource,
    }
    description = " ".join((c.RunDataSource.__doc__ or "").split())
    field: StrawberryField = strawberry.mutation(resolver=resolve, description=description)
    return field
