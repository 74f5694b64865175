"""Documents of people."""

from __future__ import annotations

from domain.model.person import Person, email_key
from projections.documents import Batch, Doc, created
from projections.handlers.dispatch import project


@project.register
def _(event: Person.PersonAdded, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return created(
        event,
        pos,
        handle=event.handle,
        name=event.name,
        email=event.email,
        email_key=email_key(event.email),
        active=True,
    )
