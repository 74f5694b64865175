"""The cascade register: one stream that every re-pointing of a cascade appends to.

A cascade loop is a property of several objectives at once (A below B, B below A),
but re-pointing one objective saves only that objective. Two concurrent re-pointings
that together close a loop would each pass the loop check against the other's old
state and both land. Appending each re-pointing to this one stream as well makes
them collide: the second save loses, and its retry walks the cascade again from a
fresh load and sees the loop. Re-pointings are rare, so one stream costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model.base import OkraAggregate, Stamp

CASCADE_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/cascade")


class CascadeRegister(OkraAggregate):
    entity = "CascadeRegister"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        repointed: int

    @staticmethod
    def id_for() -> UUID:
        return uuid5(CASCADE_NAMESPACE, "organisation")

    class CascadeRegisterOpened(OkraAggregate.Created):
        def apply(self, register: CascadeRegister) -> None:
            register.repointed = 0

    class CascadeRepointed(OkraAggregate.Event):
        objective_id: str
        parent_key_result_id: str | None

        def apply(self, register: CascadeRegister) -> None:
            register.repointed += 1

    @classmethod
    def open(cls, stamp: Stamp) -> CascadeRegister:
        return cls._create(
            cls.CascadeRegisterOpened, id=cls.id_for(), actor=stamp.actor, timestamp=stamp.at
        )

    def note(self, stamp: Stamp, objective_id: UUID, parent_key_result_id: str | None) -> None:
        self.record(
            self.CascadeRepointed,
            stamp,
            objective_id=str(objective_id),
            parent_key_result_id=parent_key_result_id,
        )
