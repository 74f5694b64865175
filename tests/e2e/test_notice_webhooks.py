"""The glue between issue 16's two halves and issue 17, end to end on both stores:
notices reach ``notice.*`` webhooks (JSON and Slack format) as signed Standard Webhooks
deliveries, a person who muted WEBHOOK is left out of them, a broken data source is
told to its key result's owner (e-mail and webhooks), and the events of the newer
aggregates reach a team's webhooks and no other team's. Real receivers on 127.0.0.1
(verified with ``standardwebhooks``), a real SMTP server (aiosmtpd), a moved clock."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from gateway.settings import Settings
from tests.e2e.test_notices import Inbox, notifier, organisation, walk
from tests.support.api import Api
from tests.support.clock import Clock, clocked
from tests.support.receiver import Received, Receiver
from tests.support.sources import Served, json_server

STATUSES = """query($id: ID!) { webhook(id: $id) {
  deliveries(first: 100) { totalCount nodes { eventType status } } } }"""


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, as test_notices runs it."""
    with socket.socket() as probe:  # aiosmtpd cannot start on port 0: find a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=30)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
async def glued(settings: Settings, clock: Clock, inbox: tuple[Inbox, int]) -> AsyncIterator[Api]:
    """The app on the test's clock: e-mail to the test's SMTP server, webhooks and data
    sources allowed on 127.0.0.1, the background schedules out of the way."""
    configured = settings.model_copy(
        update={
            "smtp_url": f"smtp://127.0.0.1:{inbox[1]}",
            "webhook_allow_private": True,
            "secret_key": "test-secret-key-for-the-glue",
            "sources_interval": 3600.0,
        }
    )
    async with clocked(configured, clock) as api:
        yield api


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    """Two receivers: one for the JSON format, one standing in for Slack."""
    pair = (Receiver().start(), Receiver().start())
    yield pair
    for receiver in pair:
        receiver.stop()


@pytest.fixture
def served() -> Iterator[Served]:
    with json_server() as server:
        yield server


async def hook(api: Api, receiver: Receiver, types: list[str], **extra: Any) -> str:
    webhook = await api.mutate(
        "createWebhook", "id secret", url=receiver.url, eventTypes=types, **extra
    )
    receiver.secret = webhook["secret"]
    return str(webhook["id"])


async def drained(api: Api, *pairs: tuple[str, Receiver], seconds: float = 30) -> None:
    """Wait (real time: the dispatcher works in the background) until the dispatcher
    has read the whole log and each webhook's deliveries have all reached its receiver."""
    dispatcher = api.backend.dispatcher
    assert dispatcher is not None
    assert await api.backend.catch_up(seconds)  # the views hold the whole log
    deadline = time.monotonic() + seconds
    while True:
        caught_up = await dispatcher.deliveries.position() >= dispatcher.watch.position
        done = caught_up
        for webhook_id, receiver in pairs:
            found = (await api.data(STATUSES, id=webhook_id))["webhook"]["deliveries"]
            statuses = {n["status"] for n in found["nodes"]}
            done = (
                done and statuses <= {"DELIVERED"} and len(receiver.received) >= len(found["nodes"])
            )
        if done:
            return
        if time.monotonic() > deadline:
            raise AssertionError("the deliveries did not all arrive")
        dispatcher.wake()
        await asyncio.sleep(0.05)


def of_type(received: list[Received], kind: str) -> list[dict[str, Any]]:
    return [r.body for r in received if r.body.get("type") == kind]


async def test_notices_reach_webhooks_signed_and_muting_webhook_is_honoured(
    glued: Api, clock: Clock, inbox: tuple[Inbox, int], receivers: tuple[Receiver, Receiver]
) -> None:
    api, (mail, _), (plain, slack) = glued, inbox, receivers
    clock.on("2026-09-30")
    plain_id = await hook(api, plain, ["notice.*"])
    slack_id = await hook(api, slack, ["notice.*"], format="SLACK")
    org = await organisation(api, clock)
    sam, priya, tom = (org.people[h][0] for h in ("sam", "priya", "tom"))
    # tom (Acme's lead, told at 3 × the cadence) wants no webhook to speak for him.
    await api.mutate("setNotificationPreferences", "id", personId=tom, mutedChannels=["WEBHOOK"])

    issued = await walk(api, clock, "2026-10-01", "2026-10-23")
    kinds = [(day, kind, step) for day, kind, _, step in issued if kind != "DIGEST"]
    assert kinds == [
        ("2026-10-09", "CHECK_IN_DUE", 1),
        ("2026-10-09", "CHECK_IN_DUE", 1),
        ("2026-10-16", "SILENCE_ESCALATED", 2),
        ("2026-10-16", "SILENCE_ESCALATED", 2),
        ("2026-10-23", "SILENCE_ESCALATED", 3),
        ("2026-10-23", "SILENCE_ESCALATED", 3),
    ]
    await drained(api, (plain_id, plain), (slack_id, slack))

    # Every delivery verified with standardwebhooks, on both receivers.
    assert plain.received and all(r.verified for r in plain.received)
    assert slack.received and all(r.verified for r in slack.received)
    assert len({r.webhook_id for r in plain.received}) == len(plain.received)

    # The reminder: to sam, about his key results, naming him and not his address.
    due = of_type(plain.received, "notice.check_in_due")
    assert sorted(d["data"]["title"] for d in due) == ["First response", "Happy customers"]
    for body in due:
        assert body["actor"] == "okra" and body["entity"]["type"] == "Notice"
        assert body["entity"]["teamId"] == org.support
        assert body["data"]["recipients"] == [{"personId": sam, "handle": "sam", "name": "Sam"}]
        assert body["data"]["keyResultId"] in org.krs.values()
    # The escalation to Support's leads (priya); the one to Acme's lead (tom, who muted
    # WEBHOOK) is not delivered at all, though it was issued and e-mailed to him.
    escalated = of_type(plain.received, "notice.silence_escalated")
    assert [b["data"]["step"] for b in escalated] == [2, 2]
    assert all(
        b["data"]["recipients"] == [{"personId": priya, "handle": "priya", "name": "Priya"}]
        for b in escalated
    )
    assert "[OKRA] Silent key result: First response" in mail.subjects("tom@acme.example")
    # E-mail addresses never leave through webhooks, not even in notice.sent.
    assert all("@acme.example" not in str(r.body) for r in plain.received)
    assert of_type(plain.received, "notice.sent")
    # The digests (Mondays 5, 12 and 19 October) to Support's members.
    digests = of_type(plain.received, "notice.digest_issued")
    assert len(digests) == 3
    assert {p["handle"] for p in digests[0]["data"]["recipients"]} == {"priya", "sam"}

    # Slack: a sentence naming what is due, about which key result, for whom.
    texts = [r.body["text"] for r in slack.received]
    assert all(set(r.body) == {"text"} for r in slack.received)
    reminders = [t for t in texts if t.startswith("*Check-in due* for Sam (@sam): ")]
    assert len(reminders) == 2
    assert any("“First response” of “Answer fast” (Support)" in t for t in reminders)
    assert "has had no check-in in the 8 days since it was set" in reminders[0]
    escalations = [t for t in texts if t.startswith("*Silent key result* for Priya (@priya): ")]
    assert len(escalations) == 2 and "past 2× the team's 7-day cadence" in escalations[0]
    assert not [t for t in texts if "Tom" in t]
    assert any(t.startswith("*Support, week to 2026-10-05* for ") for t in texts)

    # Never twice: running the scheduler again that day issues and delivers nothing.
    before = len(plain.received)
    assert (await notifier(api).run_once()).issued == []
    await drained(api, (plain_id, plain), (slack_id, slack))
    assert len(plain.received) == before


async def test_a_broken_data_source_is_told_to_its_owner_once_per_streak(
    glued: Api,
    clock: Clock,
    inbox: tuple[Inbox, int],
    receivers: tuple[Receiver, Receiver],
    served: Served,
) -> None:
    api, (mail, _), (plain, slack) = glued, inbox, receivers
    clock.on("2026-10-02")
    plain_id = await hook(api, plain, ["notice.*"])
    slack_id = await hook(api, slack, ["notice.*"], format="SLACK")
    org = await organisation(api, clock)
    sam_token = org.people["sam"][1]
    kr = org.krs["First response"]
    source = await api.mutate(
        "connectDataSource", "id", token=sam_token, keyResultId=kr, kind="HTTP_JSON",
        schedule="1h", url=served.url + "/kpi.json", jsonPath="$.missing",
    )  # fmt: skip

    async def run() -> int:
        ran = await api.mutate("runDataSource", "failures", token=sam_token, id=source["id"])
        clock.now += timedelta(minutes=5)
        await notifier(api).run_once()
        return int(ran["failures"])

    assert [await run(), await run()] == [1, 2]
    assert notifier_kinds(mail) == []
    assert await run() == 3  # broken: told once
    assert await run() == 4  # still the same streak: not told again
    subjects = mail.subjects("sam@acme.example")
    assert subjects == ["[OKRA] Data source broken: First response"]
    body = next(m for to, m in mail.messages if to == "sam@acme.example")
    text = body.get_body(preferencelist=("plain",))
    assert text is not None and "has failed 3 times in a row" in text.get_content()

    # A good run ends the streak; three new failures make a new one, told again.
    served.json = {"missing": 7}
    assert await run() == 0
    served.json = {}
    assert [await run(), await run(), await run()] == [1, 2, 3]
    assert mail.subjects("sam@acme.example") == 2 * ["[OKRA] Data source broken: First response"]

    await drained(api, (plain_id, plain), (slack_id, slack))
    broken = of_type(plain.received, "notice.data_source_broken")
    assert len(broken) == 2 and all(r.verified for r in plain.received)
    first = broken[0]["data"]
    assert first["sourceId"] == source["id"] and first["keyResultId"] == kr
    assert first["failures"] == 3 and "matched 0 values" in first["lastError"]
    assert first["recipients"] == [
        {"personId": org.people["sam"][0], "handle": "sam", "name": "Sam"}
    ]
    assert broken[0]["entity"]["teamId"] == org.support
    assert broken[0]["data"]["failingSince"] != broken[1]["data"]["failingSince"]
    texts = [r.body["text"] for r in slack.received]
    assert (
        len(
            [t for t in texts if t.startswith("*Data source broken* for Sam (@sam): the HTTP_JSON")]
        )
        == 2
    )


def notifier_kinds(mail: Inbox) -> list[str]:
    return [str(m["Subject"]) for _, m in mail.messages if "Data source" in str(m["Subject"])]


async def test_a_team_webhook_gets_its_own_teams_newer_events_only(
    glued: Api, clock: Clock, receivers: tuple[Receiver, Receiver], served: Served
) -> None:
    api, (mine, _) = glued, receivers
    clock.on("2026-10-02")
    platform = await api.team("Platform")
    sales = await api.team("Sales")
    types = ["action.*", "objective.check_in_retracted", "team.*", "data_source.*"]
    webhook_id = await hook(api, mine, types, teamId=platform)
    year = await api.year()
    krs = {}
    for team in (platform, sales):
        objective = await api.objective(year, team, "Grow")
        krs[team] = (await api.key_result(objective["id"], "Active teams"))["id"]
    actions = {}
    for team in (platform, sales):
        kr = krs[team]
        action = await api.mutate("proposeAction", "id", keyResultId=kr, title="Onboarding")
        actions[team] = action["id"]
        await api.mutate("updateAction", "id", id=action["id"], title="Guided onboarding")
        await api.check_in(kr, value=30)
        found = await api.data(
            "query($id: ID!) { keyResult(id: $id) { checkIns(first: 1) { nodes { id } } } }",
            id=kr,
        )
        check_in = found["keyResult"]["checkIns"]["nodes"][0]["id"]
        await api.mutate("retractCheckIn", "id", checkInId=check_in, reason="typo")
        await api.mutate(
            "connectDataSource", "id", keyResultId=kr, kind="HTTP_JSON", schedule="1h",
            url=served.url + "/kpi.json", jsonPath="$.data.total", secret="Bearer x",
            headerName="Authorization",
        )  # fmt: skip
    # Sales offers help on Platform's action: both teams' webhooks hear of it.
    await api.mutate(
        "offerCollaboration", "id", actionId=actions[platform], teamId=sales, note="we know it"
    )
    await api.mutate("offerCollaboration", "id", actionId=actions[sales], teamId=platform)
    await api.mutate("renameTeam", "id", id=platform, name="Platform engineering")
    await api.mutate("renameTeam", "id", id=sales, name="Sales and success")
    await api.mutate("moveTeam", "id", id=sales, parentId=platform)
    await drained(api, (webhook_id, mine))

    got = [
        (r.body["type"], r.body["entity"]["type"], r.body["entity"]["id"]) for r in mine.received
    ]
    assert [t for t, _, _ in got] == [
        "action.action_proposed",
        "action.action_updated",
        "objective.check_in_retracted",
        "data_source.data_source_connected",
        "action.collaboration_offered",  # Sales' offer on Platform's action
        "action.collaboration_offered",  # Platform's offer on Sales' action
        "team.team_renamed",
        # Sales moved under Platform: now a subteam (includeSubteams defaults to true).
        "team.team_moved",
    ]
    assert got[7][1:] == ("Team", sales)
    assert got[0][1:] == ("Action", actions[platform])
    assert got[2][1] == "KeyResult" and got[2][2] == krs[platform]
    assert got[4][2] == actions[platform] and got[5][2] == actions[sales]
    assert got[6][1:] == ("Team", platform)
    assert all(r.verified for r in mine.received)
    # Secrets stay home: the data source's sealed header secret is not delivered.
    connected = of_type(mine.received, "data_source.data_source_connected")[0]
    assert "sealedSecret" not in connected["data"] and "Bearer" not in str(connected)
    assert connected["entity"]["teamId"] == platform
