"""Reminders, escalations and digests: a quarter walked day by day on a moved clock
(never slept through), the e-mails received by a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

import anyio
import pytest
from aiosmtpd.controller import Controller

from domain.model.notice import Notice, NoticeKind
from gateway.backend import Backend, make_app
from gateway.notices import Notifier
from gateway.settings import Settings
from tests.support.api import Api
from tests.support.clock import Clock, clocked
from tests.support.processes import OKRA, store_args


@dataclass
class Inbox:
    """What the SMTP server received: one parsed message per recipient."""

    messages: list[tuple[str, EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        for to in envelope.rcpt_tos:
            self.messages.append((to, parsed))
        return "250 OK"

    def subjects(self, to: str, digests: bool = False) -> list[str]:
        """The subjects of what ``to`` received (digests left out unless asked)."""
        found = [str(m["Subject"]) for rcpt, m in self.messages if rcpt == to]
        return [s for s in found if digests or "the week to" not in s]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:  # aiosmtpd cannot start on port 0: find a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    # Generous timeouts: the machine running the tests may be busy.
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=30)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
async def noticed(settings: Settings, clock: Clock, inbox: tuple[Inbox, int]) -> AsyncIterator[Api]:
    configured = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{inbox[1]}"})
    async with clocked(configured, clock) as api:
        yield api


def notifier(api: Api) -> Notifier:
    found: Notifier = api.app.state.notifier
    return found


@dataclass
class Org:
    acme: str
    support: str
    q4: str
    krs: dict[str, str]
    people: dict[str, tuple[str, str]]  # handle -> (id, token)


async def organisation(api: Api, clock: Clock) -> Org:
    """Acme over Support (cadence 7 days); tom leads Acme, priya leads Support, sam
    owns two of Support's key results; every one of them has an e-mail address."""
    acme = await api.team("Acme")
    support = await api.team("Support", acme)
    await api.mutate("setCheckInCadence", "id", teamId=support, days=7)
    year = await api.year()
    q4 = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", year)
    people = {
        "tom": await api.person("tom", (acme, "LEAD"), email="tom@acme.example"),
        "priya": await api.person("priya", (support, "LEAD"), email="priya@acme.example"),
        "sam": await api.person("sam", (support, "MEMBER"), email="sam@acme.example"),
    }
    objective = await api.mutate(
        "createObjective", "id", cycleId=q4, teamId=support, title="Answer fast",
        ownerId=people["priya"][0], kind="COMMITTED",
    )  # fmt: skip
    krs = {}
    for title in ("First response", "Happy customers"):
        kr = await api.key_result(objective["id"], title, ownerId=people["sam"][0])
        krs[title] = kr["id"]
    return Org(acme, support, q4, krs, people)


async def walk(api: Api, clock: Clock, first: str, last: str) -> list[tuple[str, str, str, int]]:
    """Run the scheduler on every day from ``first`` to ``last`` (09:00 UTC); what it
    issued: (day, kind, key result title or team name, step)."""
    issued = []
    day = date.fromisoformat(first)
    while day <= date.fromisoformat(last):
        clock.on(day.isoformat())
        run = await notifier(api).run_once()
        for due in run.issued:
            what = due.fields.get("title") or due.fields["digest"]["team"]["name"]
            issued.append((day.isoformat(), due.kind.value, what, due.step))
        day += timedelta(days=1)
    return issued


def silences(issued: list[tuple[str, str, str, int]]) -> list[tuple[str, str, str, int]]:
    return [i for i in issued if i[1] != NoticeKind.DIGEST]


async def test_a_quarter_of_reminders_and_escalations(
    noticed: Api, clock: Clock, inbox: tuple[Inbox, int]
) -> None:
    api, (mail, _) = noticed, inbox
    org = await organisation(api, clock)
    # October: nobody checks in on "Happy customers"; "First response" is checked in on
    # 20 October, which ends its silence.
    issued = await walk(api, clock, "2026-10-01", "2026-10-19")
    clock.on("2026-10-20")
    await api.check_in(org.krs["First response"], value=30, token=org.people["sam"][1])
    issued += await walk(api, clock, "2026-10-20", "2026-12-31")
    happy = [(d, k, s) for d, k, t, s in silences(issued) if t == "Happy customers"]
    # 7-day cadence from the quarter's start on 1 October: due once past 7 days, to the
    # team's leads past 14, to the parent team's past 21; then nothing more (one silence).
    assert happy == [
        ("2026-10-09", "CHECK_IN_DUE", 1),
        ("2026-10-16", "SILENCE_ESCALATED", 2),
        ("2026-10-23", "SILENCE_ESCALATED", 3),
    ]
    first = [(d, k, s) for d, k, t, s in silences(issued) if t == "First response"]
    assert first == [
        ("2026-10-09", "CHECK_IN_DUE", 1),
        ("2026-10-16", "SILENCE_ESCALATED", 2),
        # the check-in of 20 October: a new silence, reminded and escalated afresh
        ("2026-10-28", "CHECK_IN_DUE", 1),
        ("2026-11-04", "SILENCE_ESCALATED", 2),
        ("2026-11-11", "SILENCE_ESCALATED", 3),
    ]
    # Digests: every Monday at 09:00 (the default), for the team with objectives.
    digests = [d for d, k, t, _ in issued if k == NoticeKind.DIGEST]
    mondays = [d for d in digests if date.fromisoformat(d).isoweekday() == 1]
    assert digests == mondays and len(digests) == 13  # 5 Oct … 28 Dec
    assert {t for _, k, t, _ in issued if k == NoticeKind.DIGEST} == {"Support"}

    # The e-mails: the owner is reminded, the leads hear of the silence.
    assert mail.subjects("sam@acme.example") == [
        "[OKRA] Check-in due: First response",
        "[OKRA] Check-in due: Happy customers",
        "[OKRA] Check-in due: First response",
    ]
    assert mail.subjects("priya@acme.example") == [
        "[OKRA] Silent key result: First response",
        "[OKRA] Silent key result: Happy customers",
        "[OKRA] Silent key result: First response",
    ]
    assert mail.subjects("tom@acme.example") == [
        "[OKRA] Silent key result: Happy customers",
        "[OKRA] Silent key result: First response",
    ]
    # Support's members get its digest: plain text and HTML with the SVG chart.
    digest_mails = [m for to, m in mail.messages if to == "sam@acme.example"
                    and "the week to" in str(m["Subject"])]  # fmt: skip
    assert len(digest_mails) == 13
    last = digest_mails[-1]
    text = last.get_body(("plain",))
    html = last.get_body(("html",))
    assert text is not None and html is not None
    assert "Scores:" in text.get_content() and "Answer fast" in text.get_content()
    assert "<svg" in html.get_content()
    assert "Happy customers" in text.get_content()  # stale, and at the top of the list


async def test_never_twice_across_restarts_and_standbys(
    noticed: Api, clock: Clock, inbox: tuple[Inbox, int]
) -> None:
    api, (mail, _) = noticed, inbox
    org = await organisation(api, clock)
    clock.on("2026-10-09")
    first = await notifier(api).run_once()
    assert [d.kind for d in first.issued] == [NoticeKind.CHECK_IN_DUE] * 2
    assert first.sent == 2
    # The same scheduler again, and a standby's (another Notifier on the same store):
    # the ids are taken, nothing is issued or sent twice.
    again = await notifier(api).run_once()
    standby = await Notifier(api.backend).run_once()
    assert (again.issued, standby.issued) == ([], [])
    assert again.already == standby.already == 2
    assert len(mail.messages) == 2
    # Each notice records whom it reached, on which channel.
    notice_id = Notice.id_for(NoticeKind.CHECK_IN_DUE, org.krs["Happy customers"], "2026-10-09")
    notice = api.backend.app.repository.get(notice_id)
    assert notice.sent == {org.people["sam"][0]: ["EMAIL"]}


async def test_muted_email_is_not_sent(
    noticed: Api, clock: Clock, inbox: tuple[Inbox, int]
) -> None:
    api, (mail, _) = noticed, inbox
    org = await organisation(api, clock)
    sam_id, sam_token = org.people["sam"]
    muted = await api.mutate(
        "setNotificationPreferences", "id mutedChannels", token=sam_token,
        personId=sam_id, mutedChannels=["EMAIL"],
    )  # fmt: skip
    assert muted == {"id": sam_id, "mutedChannels": ["EMAIL"]}
    clock.on("2026-10-09")
    run = await notifier(api).run_once()
    assert len(run.issued) == 2 and run.sent == 0  # issued (webhooks see them), not e-mailed
    assert mail.messages == []
    assert run.issued[0].recipients[0]["channels"] == ["WEBHOOK"]


async def test_the_digest_goes_out_when_the_team_says(noticed: Api, clock: Clock) -> None:
    api = noticed
    org = await organisation(api, clock)
    team = await api.mutate(
        "setDigestSchedule", "id digestWeekday digestHour", token=org.people["priya"][1],
        teamId=org.support, weekday=3, hour=15,
    )  # fmt: skip
    assert team == {"id": org.support, "digestWeekday": 3, "digestHour": 15}
    issued = await walk(api, clock, "2026-10-05", "2026-10-11")  # at 09:00: too early
    assert [i for i in issued if i[1] == NoticeKind.DIGEST] == []
    clock.now = clock.now.replace(year=2026, month=10, day=14, hour=15)  # a Wednesday
    run = await notifier(api).run_once()
    assert [d.kind for d in run.issued if d.kind == NoticeKind.DIGEST] == [NoticeKind.DIGEST]
    # A member may not set it; a lead of the team may (above), and admins.
    refused = await api.refuse(
        "setDigestSchedule", token=org.people["sam"][1], teamId=org.support, weekday=1
    )
    assert refused["extensions"]["code"] == "FORBIDDEN"
    bad = await api.refuse("setDigestSchedule", teamId=org.support, weekday=8)
    assert bad["extensions"] == {"code": "BAD_USER_INPUT", "field": "weekday"}


async def test_the_backend_runs_without_smtp(settings: Settings, clock: Clock) -> None:
    """No OKRA_SMTP_URL: notices are issued (for webhooks), no e-mail is tried."""
    async with clocked(settings, clock) as api:
        await organisation(api, clock)
        clock.on("2026-10-09")
        run = await notifier(api).run_once()
        assert len(run.issued) == 2 and (run.sent, run.failed) == (0, 0)
        backend: Backend = api.backend
        assert backend.settings.smtp_url is None


async def test_okra_notify_preview_and_run(api: Api, inbox: tuple[Inbox, int]) -> None:
    """``okra notify preview`` prints today's notices of a team and sends nothing;
    ``okra notify run`` issues and e-mails them, once (on the real clock: today)."""
    mail, port = inbox
    today = date.today()
    support = await api.team("Support")
    await api.mutate("setCheckInCadence", "id", teamId=support, days=7)
    cycle = await api.cycle("Now", str(today - timedelta(days=30)), str(today + timedelta(days=30)))
    sam_id, _ = await api.person("sam", (support, "MEMBER"), email="sam@acme.example")
    objective = await api.objective(cycle, support, "Answer fast", ownerId=sam_id)
    kr = await api.key_result(objective["id"], "First response", ownerId=sam_id)
    await api.check_in(kr["id"], value=30, asOf=str(today - timedelta(days=10)))
    store = store_args(api.backend.settings)

    digest = (await cli("notify", "preview", "--team", "support", *store)).stdout
    assert f"Subject: [OKRA] Support: the week to {today}" in digest
    assert "To: sam <sam@acme.example> (EMAIL/WEBHOOK)" in digest
    assert "Answer fast: 0.33" in digest
    html = (await cli("notify", "preview", "--team", support, "--format", "html", *store)).stdout
    assert "<svg" in html
    reminders = await cli("notify", "preview", "--team", "Support", "--kind", "reminders", *store)
    assert "Subject: [OKRA] Check-in due: First response" in reminders.stdout
    assert mail.messages == []  # a preview sends nothing

    smtp = {"OKRA_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    ran = await cli("notify", "run", *store, env=smtp)
    assert "Issued" in ran.stderr
    assert mail.subjects("sam@acme.example") == ["[OKRA] Check-in due: First response"]
    again = await cli("notify", "run", *store, env=smtp)
    assert "Issued 0 notices" in again.stderr
    assert mail.subjects("sam@acme.example") == ["[OKRA] Check-in due: First response"]


async def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``okra`` in a subprocess, waited for in a thread: the gateway of the test keeps
    projecting meanwhile (the command waits for the views to catch up)."""
    environment = {**os.environ, "OKRA_LOG_LEVEL": "warning", **(env or {})}
    return await anyio.to_thread.run_sync(
        lambda: subprocess.run(
            [OKRA, *args],
            capture_output=True,
            text=True,
            env=environment,
            timeout=300,
            check=True,
        )
    )


async def test_the_digest_says_how_the_week_went(noticed: Api, clock: Clock) -> None:
    api = noticed
    org = await organisation(api, clock)
    sam = org.people["sam"][1]
    clock.on("2026-10-05")  # a Monday: the first digest
    first = [d for d in (await notifier(api).run_once()).issued if d.kind == NoticeKind.DIGEST]
    assert len(first) == 1
    week1 = first[0].fields["digest"]
    assert [(o["title"], o["score"], o["change"]) for o in week1["objectives"]] == [
        ("Answer fast", 0.0, None)  # no change: a week ago, the quarter had not begun
    ]
    clock.on("2026-10-07")
    await api.check_in(org.krs["First response"], value=35, confidence=0.3, token=sam)
    await api.bet(org.krs["Happy customers"], title="Chatbot", stake=3)
    other = await api.bet(org.krs["Happy customers"], title="Callbacks")
    await api.mutate("resolveBet", "id", id=other["id"], outcome="INVALIDATED", learning="No")
    clock.on("2026-10-12")
    second = [d for d in (await notifier(api).run_once()).issued if d.kind == NoticeKind.DIGEST]
    week2 = second[0].fields["digest"]
    assert week2["week"] == {"from": "2026-10-06", "to": "2026-10-12"}
    # First response moved from 20 to 35 of 50 (0.5), Happy customers did not: 0.25.
    assert [(o["title"], o["score"], o["change"]) for o in week2["objectives"]] == [
        ("Answer fast", 0.25, 0.25)
    ]
    assert [f["entity_id"] for f in week2["at_risk"]] == [org.krs["First response"]]
    assert [f["entity_id"] for f in week2["stale"]] == [org.krs["Happy customers"]]
    assert [b["title"] for b in week2["bets_placed"]] == ["Chatbot", "Callbacks"]
    assert week2["bets_resolved"] == [
        {"id": other["id"], "title": "Callbacks", "outcome": "INVALIDATED"}
    ]
    # New findings: what the first digest did not list (the stale key result was not
    # stale on 5 October, the risk did not exist).
    before = {(f["kind"], f["entity_id"]) for f in week1["findings"]}
    assert week2["new_findings"]
    assert all((f["kind"], f["entity_id"]) not in before for f in week2["new_findings"])
    kinds = {f["kind"] for f in week2["new_findings"]}
    assert {"COMMITTED_AT_RISK", "STALE_KEY_RESULT"} <= kinds
    # The weeks of the quarter so far (Sundays), the last one cut today.
    assert [p["on"] for p in week2["trend"]] == ["2026-10-04", "2026-10-11", "2026-10-12"]


async def test_the_scheduler_runs_in_the_gateway(
    settings: Settings, clock: Clock, inbox: tuple[Inbox, int]
) -> None:
    """With OKRA_NOTICES on, the gateway looks by itself every OKRA_NOTICE_INTERVAL."""
    mail, port = inbox
    configured = settings.model_copy(
        update={"notices": True, "notice_interval": 0.2, "smtp_url": f"smtp://127.0.0.1:{port}"}
    )
    async with clocked(configured, clock) as api:
        await organisation(api, clock)
        clock.on("2026-10-09")
        with anyio.fail_after(30):
            while len(mail.subjects("sam@acme.example")) < 2:  # noqa: ASYNC110 - no signal
                await anyio.sleep(0.1)  # waits for the gateway's own look, not through time
    assert sorted(mail.subjects("sam@acme.example")) == [
        "[OKRA] Check-in due: First response",
        "[OKRA] Check-in due: Happy customers",
    ]


async def test_two_gateways_racing_issue_each_notice_once(
    noticed: Api, clock: Clock, inbox: tuple[Inbox, int]
) -> None:
    """Two schedulers with command sides of their own (as two gateways have) look at the
    same moment: the event store's unique key lets one save of each notice win, and only
    the winner e-mails it."""
    api, (mail, _) = noticed, inbox
    org = await organisation(api, clock)
    backend = api.backend
    other_app = await anyio.to_thread.run_sync(make_app, backend.settings, clock)
    try:
        other = SimpleNamespace(
            app=other_app, store=backend.store, settings=backend.settings, clock=clock
        )
        mine, theirs = Notifier(backend), Notifier(other)  # type: ignore[arg-type]
        clock.on("2026-10-09")
        # Both decided the notices are due before either saved: the race itself.
        due = await mine.due()
        assert len(due) == 2
        results = await asyncio.gather(
            *(anyio.to_thread.run_sync(n._issue, d) for d in due for n in (mine, theirs))
        )
        won = [r for r in results if r is not None]
        assert len(won) == 2 and {n.id for n in won} == {
            Notice.id_for(NoticeKind.CHECK_IN_DUE, kr, "2026-10-09") for kr in org.krs.values()
        }
        # A scheduler that did not see it issued (its look came first) loses the save.
        other_app.exists = lambda _: False  # type: ignore[method-assign]
        assert await anyio.to_thread.run_sync(theirs._issue, due[0]) is None
        del other_app.exists
        # And whole looks, at once, from both: nothing more is issued or sent.
        looks = await asyncio.gather(mine.run_once(), theirs.run_once())
        assert [len(r.issued) for r in looks] == [0, 0]
        assert mail.messages == []
    finally:
        other_app.close()


async def test_a_failed_send_is_recorded(settings: Settings, clock: Clock) -> None:
    """An SMTP server that does not answer: the notice is issued, the failure recorded on
    it (notice.send_failed for webhooks), and it is not retried (at most once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens there once the probe closes
    configured = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{closed}"})
    async with clocked(configured, clock) as api:
        org = await organisation(api, clock)
        clock.on("2026-10-09")
        run = await notifier(api).run_once()
        assert (len(run.issued), run.sent, run.failed) == (2, 0, 2)
        notice_id = Notice.id_for(NoticeKind.CHECK_IN_DUE, org.krs["First response"], "2026-10-09")
        events = api.backend.app.repository.event_store.get(notice_id)
        failed = [e for e in events if isinstance(e, Notice.SendFailed)]
        assert [(e.channel, e.person_id, e.address) for e in failed] == [
            ("EMAIL", org.people["sam"][0], "sam@acme.example")
        ]
        assert failed[0].reason
        assert (await notifier(api).run_once()).failed == 0


async def test_digests_keep_the_organisations_time_zone(settings: Settings, clock: Clock) -> None:
    """OKRA_TIMEZONE=Asia/Tokyo: Monday 09:00 there is Sunday 24:00 UTC."""
    configured = settings.model_copy(update={"timezone": "Asia/Tokyo"})
    async with clocked(configured, clock) as api:
        await organisation(api, clock)

        async def digests_at(moment: datetime) -> list[str]:
            clock.now = moment
            run = await notifier(api).run_once()
            return [d.due_on.isoformat() for d in run.issued if d.kind == NoticeKind.DIGEST]

        assert await digests_at(datetime(2026, 10, 4, 23, 59, tzinfo=UTC)) == []  # 08:59 JST
        assert await digests_at(datetime(2026, 10, 5, 0, 0, tzinfo=UTC)) == ["2026-10-05"]
        assert await digests_at(datetime(2026, 10, 5, 9, 0, tzinfo=UTC)) == []  # issued
