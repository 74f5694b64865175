"""Documents of API tokens: what authentication looks a bearer token's hash up in."""

from __future__ import annotations

from domain.model.token import ApiToken
from projections.documents import Batch, Doc, created, iso
from projections.handlers.dispatch import project


@project.register
def _(event: ApiToken.TokenIssued, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return created(
        event,
        pos,
        user=event.user,
        role=event.role,
        team_ids=list(event.team_ids),
        label=event.label,
        hash=event.hash,
        revoked=False,
    )


@project.register
def _(event: ApiToken.TokenRevoked, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "revoked": True, "revoked_at": iso(event.timestamp)}
