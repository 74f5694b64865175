"""Notices: the reminders, escalations and digests OKRA sends people, as events.

A notice is an aggregate whose id derives from what it is about (its kind, the key
result or team, the day it fell due and the step of an escalation), so it can be
issued at most once: a second scheduler (a restart, a standby that took over, two
gateways racing) builds the same id, and its save loses on the event store's unique
(stream, version) key. Being events of the log, notices reach webhooks like every
other event (``notice.check_in_due``, ``notice.silence_escalated``,
``notice.digest_issued``, ``notice.sent``, ``notice.send_failed``), and whether each
was sent, on which channel and to whom, is recorded beside it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model.base import OkraAggregate, Stamp

NOTICE_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/notice")


class NoticeKind(StrEnum):
    """What a notice says."""

    CHECK_IN_DUE = "CHECK_IN_DUE"  # to the owner, the day the cadence runs out
    SILENCE_ESCALATED = "SILENCE_ESCALATED"  # to the leads: 2× (team), 3× (parent team)
    DIGEST = "DIGEST"  # a team's week, to its members
    DATA_SOURCE_BROKEN = "DATA_SOURCE_BROKEN"  # to the key result's owner, once per streak


class NotificationChannel(StrEnum):
    """How notices reach people; each person may mute any of them."""

    EMAIL = "EMAIL"
    WEBHOOK = "WEBHOOK"


def webhook_recipients(recipients: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Whom a notice delivered through webhooks tells: the recipients who have not muted
    WEBHOOK, named by id, handle and name (their e-mail address stays home). Muting
    WEBHOOK is therefore real: a receiver is never asked to tell that person, and a
    notice whose every recipient muted it is not delivered at all."""
    return [
        {key: person.get(key) for key in ("person_id", "handle", "name")}
        for person in recipients
        if NotificationChannel.WEBHOOK in person.get("channels", ())
    ]


class Notice(OkraAggregate):
    entity = "Notice"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        kind: str
        team_id: str
        due_on: str
        summary: str
        recipients: list[dict[str, Any]]
        sent: dict[str, list[str]]  # person id -> channels it reached them on

    @staticmethod
    def id_for(kind: NoticeKind, subject_id: str, due_on: str, step: int = 1) -> UUID:
        """The one id a notice about that subject, due that day, at that step can have."""
        return uuid5(NOTICE_NAMESPACE, f"{kind}:{subject_id}:{due_on}:{step}")

    # -- events -------------------------------------------------------------------

    class Issued(OkraAggregate.Created):
        """What every notice says: who it is for and in a line what about.

        ``recipients``: ``{"person_id", "handle", "name", "email", "channels"}``, the
        channels being those the person has not muted."""

        kind: str
        team_id: str
        due_on: str
        summary: str
        recipients: list[dict[str, Any]]

        def apply(self, notice: Notice) -> None:
            super().apply(notice)
            notice.sent = {}

    class CheckInDue(Issued):
        key_result_id: str
        objective_id: str
        title: str
        silent_days: int
        cadence_days: int
        since: str  # the latest check-in's asOf, or when the silence began

    class SilenceEscalated(Issued):
        key_result_id: str
        objective_id: str
        title: str
        silent_days: int
        cadence_days: int
        since: str
        step: int  # 2: the team's leads; 3: the parent team's leads
        escalated_to_team_id: str

    class DigestIssued(Issued):
        digest: dict[str, Any]  # the week's figures (see projections.notices.digest)

    class DataSourceBroken(Issued):
        """A key result's data source failed ``failures`` times in a row (the audit's
        BROKEN_DATA_SOURCE); one per streak of failures: the id names the source and
        when the streak began (``failing_since``)."""

        source_id: str
        source_kind: str
        key_result_id: str
        objective_id: str
        title: str
        failures: int
        last_error: str | None
        failing_since: str

    class Sent(OkraAggregate.Event):
        channel: str
        person_id: str
        address: str

        def apply(self, notice: Notice) -> None:
            notice.sent.setdefault(self.person_id, []).append(self.channel)

    class SendFailed(OkraAggregate.Event):
        channel: str
        person_id: str
        address: str
        reason: str

    # -- commands -----------------------------------------------------------------

    @classmethod
    def issue(
        cls,
        stamp: Stamp,
        event_class: type[Issued],
        *,
        subject_id: str,
        **fields: Any,
    ) -> Notice:
        """A new notice; its id says what it is about (see :meth:`id_for`)."""
        kind = NoticeKind(fields["kind"])
        return cls._create(
            event_class,
            id=cls.id_for(kind, subject_id, fields["due_on"], fields.get("step", 1)),
            actor=stamp.actor,
            timestamp=stamp.at,
            **fields,
        )

    def record_sent(
        self, stamp: Stamp, channel: NotificationChannel, person_id: str, address: str
    ) -> None:
        self.record(self.Sent, stamp, channel=channel, person_id=person_id, address=address)

    def record_failure(
        self, stamp: Stamp, channel: NotificationChannel, person_id: str, address: str, reason: str
    ) -> None:
        self.record(
            self.SendFailed,
            stamp,
            channel=channel,
            person_id=person_id,
            address=address,
            reason=reason[:500],
        )
