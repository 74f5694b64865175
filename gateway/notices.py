"""The notice scheduler: issues the reminders, escalations and digests due now, and
e-mails them.

One process of a deployment schedules at a time: it holds a lease like the
projector's (an advisory lock on PostgreSQL, a file lock beside SQLite). That is an
efficiency, not the guarantee: a notice's id says what it is about and the day it
fell due (:mod:`domain.model.notice`), so two schedulers racing (a standby taking
over, a restart) build the same id and the second save loses on the event store's
unique key. Only the process whose save won sends the e-mails, then records each
send (``Notice.Sent`` / ``Notice.SendFailed``): e-mail is sent at most once, and a
crash between saving and sending loses that e-mail rather than doubling it.

Time comes from the backend's clock, so tests move days without sleeping: they call
:meth:`Notifier.run_once` after setting the clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import UUID
from zoneinfo import ZoneInfo

import anyio
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.model.base import Stamp
from domain.model.data_source import BROKEN_AFTER, DataSource, SourceStatus
from domain.model.notice import Notice, NoticeKind, NotificationChannel
from gateway.backend import Backend
from gateway.report.notices import Mail, render
from gateway.settings import Settings
from projections import notices
from projections.lease import FileLease, Lease, PostgresLease
from projections.views import DATA_SOURCES, OBJECTIVES

log = logging.getLogger("okra.notices")
ACTOR = "okra"  # who notices are recorded by: the organisation's own system

_EVENT = {
    NoticeKind.CHECK_IN_DUE: Notice.CheckInDue,
    NoticeKind.SILENCE_ESCALATED: Notice.SilenceEscalated,
    NoticeKind.DIGEST: Notice.DigestIssued,
    NoticeKind.DATA_SOURCE_BROKEN: Notice.DataSourceBroken,
}


def make_lease(settings: Settings) -> Lease:
    if settings.database_url:
        return PostgresLease(settings.database_url, settings.database_schema, "notices")
    return FileLease(settings.data_dir / "notices.lock")


@dataclass
class Run:
    """What one look did: the notices it issued, those another scheduler had issued
    already, and the e-mails it sent and failed to send."""

    issued: list[notices.Due] = field(default_factory=list)
    already: int = 0
    sent: int = 0
    failed: int = 0


class Notifier:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.settings = backend.settings
        self.zone = ZoneInfo(self.settings.timezone)

    def local_now(self) -> datetime:
        return self.backend.clock().astimezone(self.zone)

    # -- what is due ----------------------------------------------------------------

    async def due(self, now: datetime | None = None, unissued: bool = False) -> list[notices.Due]:
        """Every notice due at ``now`` (default: the clock's now), issued or not (with
        ``unissued``, digests already issued are not computed again)."""
        local = (now or self.backend.clock()).astimezone(self.zone)
        store, limits = self.backend.store, self.settings.audit.thresholds()
        org = await notices.Organisation.read(store)
        found = await notices.silences_due(store, local.date(), limits, org)
        found += await self.broken_sources(org)
        for team in org.teams.values():
            if notices.digest_due(team, local):
                if unissued and await anyio.to_thread.run_sync(
                    self.backend.app.exists,
                    Notice.id_for(NoticeKind.DIGEST, team["id"], local.date().isoformat()),
                ):
                    continue
                digest = await self.digest(team["id"], local.date(), org)
                if digest is not None:
                    found.append(digest)
        return found

    async def digest(
        self, team_id: str, today: date, org: notices.Organisation | None = None
    ) -> notices.Due | None:
        """A team's digest of the week to ``today``, new findings judged against the
        digest issued a week before (if any)."""
        store, limits = self.backend.store, self.settings.audit.thresholds()
        before = Notice.id_for(NoticeKind.DIGEST, team_id, (today - timedelta(days=7)).isoformat())
        previous = await anyio.to_thread.run_sync(self._digest_of, before)
        return await notices.digest(store, team_id, today, limits, previous, org)

    async def broken_sources(self, org: notices.Organisation) -> list[notices.Due]:
        """A notice for each connected source that has failed ``BROKEN_AFTER`` times in
        a row, about its current streak (read from the source itself: when it began)."""
        store = self.backend.store
        found: list[notices.Due] = []
        for doc in await store.find(DATA_SOURCES, {"status": SourceStatus.CONNECTED}):
            if (doc.get("failures") or 0) < BROKEN_AFTER:
                continue
            since = await anyio.to_thread.run_sync(self._failing_since, doc["id"])
            if since is None:
                continue
            objective = (await store.get(OBJECTIVES, [doc["objective_id"]])).get(
                doc["objective_id"]
            )
            due = notices.source_broken(org, doc, objective, since)
            if due is not None:
                found.append(due)
        return found

    def _failing_since(self, source_id: str) -> str | None:
        try:
            source: DataSource = self.backend.app.repository.get(UUID(source_id))
        except AggregateNotFoundError:
            return None
        since: datetime | None = getattr(source, "failing_since", None)
        return None if since is None else since.isoformat()

    def _digest_of(self, notice_id: Any) -> dict[str, Any] | None:
        try:
            notice: Notice = self.backend.app.repository.get(notice_id)
        except AggregateNotFoundError:
            return None
        found: dict[str, Any] | None = getattr(notice, "digest", None)
        return found

    # -- issuing and sending ----------------------------------------------------------

    async def run_once(self, now: datetime | None = None) -> Run:
        """Issue what is due now and not yet issued; e-mail what this call issued."""
        run = Run()
        for due in await self.due(now, unissued=True):
            notice = await anyio.to_thread.run_sync(self._issue, due)
            if notice is None:
                run.already += 1
                continue
            run.issued.append(due)
            if self.settings.smtp_url:
                sent, failed = await anyio.to_thread.run_sync(self._email, notice, due)
                run.sent += sent
                run.failed += failed
        if run.issued:
            log.info("issued %d notices, e-mailed %d (%d failed)", len(run.issued), run.sent,
                     run.failed)  # fmt: skip
        return run

    def _stamp(self) -> Stamp:
        return Stamp(actor=ACTOR, at=self.backend.app.clock())

    def _issue(self, due: notices.Due) -> Notice | None:
        """The notice, saved; None when it had been issued already (here or elsewhere)."""
        app = self.backend.app
        notice_id = Notice.id_for(due.kind, due.subject_id, due.due_on.isoformat(), due.step)
        if app.exists(notice_id):
            return None
        notice = Notice.issue(
            self._stamp(),
            _EVENT[due.kind],
            subject_id=due.subject_id,
            kind=due.kind.value,
            team_id=due.team_id,
            due_on=due.due_on.isoformat(),
            summary=due.summary,
            recipients=due.recipients,
            **due.fields,
        )
        try:
            app.save(notice)
        except IntegrityError:
            return None  # another scheduler issued it first
        return notice

    def _email(self, notice: Notice, due: notices.Due) -> tuple[int, int]:
        """E-mail the notice to each recipient who has an address and did not mute
        e-mail; record each outcome on the notice."""
        url = self.settings.smtp_url
        assert url is not None
        mail = render({"kind": due.kind.value, "summary": due.summary, **due.fields})
        sent = failed = 0
        for person in due.recipients:
            if not person.get("email") or NotificationChannel.EMAIL not in person["channels"]:
                continue
            try:
                send_mail(url, self.settings.smtp_from, person["email"], mail)
            except (OSError, smtplib.SMTPException) as error:
                failed += 1
                notice.record_failure(
                    self._stamp(), NotificationChannel.EMAIL, person["person_id"],
                    person["email"], str(error) or type(error).__name__,
                )  # fmt: skip
            else:
                sent += 1
                notice.record_sent(
                    self._stamp(), NotificationChannel.EMAIL, person["person_id"], person["email"]
                )
        if sent or failed:
            self.backend.app.save(notice)
        return sent, failed

    # -- the loop -------------------------------------------------------------------------

    async def run(self) -> None:
        """Look every ``OKRA_NOTICE_INTERVAL`` seconds while holding the lease."""
        lease = make_lease(self.settings)
        while True:
            async with lease.held(self.settings.poll_interval) as lost:
                log.info("this process now sends the notices")
                while not lost.is_set():
                    # The first look comes one interval after start: the views catch up,
                    # and a short-lived process (a test, a one-off command) sends nothing.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), self.settings.notice_interval)
                    if lost.is_set():
                        break
                    try:
                        await self.run_once()
                    except Exception:  # a bad look must not stop the next
                        log.exception("the notice scheduler failed; retrying")


def send_mail(url: str, sender: str, to: str, mail: Mail) -> None:
    """Send one e-mail, plain text with an HTML alternative, through the SMTP server
    ``url`` names (smtp://, smtps://; ``?starttls=true``; user and password if given)."""
    parts = urlsplit(url)
    secure = parts.scheme == "smtps"
    host, port = parts.hostname or "127.0.0.1", parts.port or (465 if secure else 25)
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = to
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    client: smtplib.SMTP = (
        smtplib.SMTP_SSL(host, port, timeout=30, context=ssl.create_default_context())
        if secure
        else smtplib.SMTP(host, port, timeout=30)
    )
    with client:
        if parse_qs(parts.query).get("starttls", ["false"])[0].lower() in ("1", "true", "yes"):
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
