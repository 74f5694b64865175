"""How notices and data sources leave through webhooks, without a store: whom a notice
names (muting WEBHOOK is real), what never leaves (secrets, e-mail addresses), how a
notice reads in Slack, and when a data source's streak of failures begins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.model.base import Stamp
from domain.model.data_source import DataSource, SourceKind
from domain.model.notice import Notice, NoticeKind
from gateway.dispatcher import data_of, notice_text

AT = datetime(2026, 10, 9, 9, tzinfo=UTC)


def person(handle: str, channels: list[str]) -> dict[str, Any]:
    return {
        "person_id": f"id-{handle}",
        "handle": handle,
        "name": handle.title(),
        "email": f"{handle}@acme.example",
        "channels": channels,
    }


def reminder(*recipients: dict[str, Any]) -> Notice.Issued:
    notice = Notice.issue(
        Stamp("okra", AT),
        Notice.CheckInDue,
        subject_id="kr",
        kind=NoticeKind.CHECK_IN_DUE.value,
        team_id="t",
        due_on="2026-10-09",
        summary="Check-in due: “NPS” of “Delight” (Support) has had no check-in <8 days>.",
        recipients=list(recipients),
        key_result_id="kr",
        objective_id="o",
        title="NPS",
        silent_days=8,
        cadence_days=7,
        since="2026-10-01",
    )
    event = notice.collect_events()[0]
    assert isinstance(event, Notice.Issued)
    return event


def test_a_notice_names_only_who_takes_webhooks_and_no_address() -> None:
    data = data_of(reminder(person("sam", ["EMAIL", "WEBHOOK"]), person("tom", ["EMAIL"])))
    assert data is not None
    assert data["recipients"] == [{"personId": "id-sam", "handle": "sam", "name": "Sam"}]
    assert "@" not in str(data)


def test_a_notice_for_nobody_who_takes_webhooks_is_not_delivered() -> None:
    assert data_of(reminder(person("tom", ["EMAIL"]), person("ann", []))) is None


def test_a_notice_reads_as_a_sentence_in_slack() -> None:
    data = data_of(reminder(person("sam", ["WEBHOOK"])))
    assert data is not None
    body = {"type": "notice.check_in_due", "data": data}
    assert notice_text(body) == (
        "*Check-in due* for Sam (@sam): “NPS” of “Delight” (Support) has had no check-in "
        "&lt;8 days&gt;."
    )
    assert notice_text({"type": "objective.check_in_recorded", "data": {}}) is None


def test_a_sealed_secret_never_leaves_not_even_in_changes() -> None:
    source = DataSource.connect(
        Stamp("ada", AT),
        key_result_id="kr",
        objective_id="o",
        team_id="t",
        cycle_id="c",
        kind=SourceKind.HTTP_JSON,
        settings={
            "schedule": "1h",
            "interval": 3600,
            "url": "https://example.com/x.json",
            "json_path": "$.x",
            "query": None,
            "header_name": "Authorization",
        },
        sealed_secret="gAAAA-sealed",
    )
    source.update(
        Stamp("ada", AT),
        expected_version=None,
        proposed={"url": "https://example.com/y.json"},
        sealed_secret="gAAAA-sealed-2",
    )
    for event in source.collect_events():
        assert "sealed" not in str(data_of(event))


def test_a_streak_of_failures_begins_at_its_first_failure() -> None:
    source = DataSource.connect(
        Stamp("ada", AT),
        key_result_id="kr",
        objective_id="o",
        team_id="t",
        cycle_id="c",
        kind=SourceKind.HTTP_JSON,
        settings={
            "schedule": "1h",
            "interval": 3600,
            "url": "https://example.com/x.json",
            "json_path": "$.x",
            "query": None,
            "header_name": None,
        },
        sealed_secret=None,
    )
    hour = timedelta(hours=1)
    for n in range(1, 4):
        source.failed(Stamp("okra", AT + n * hour), "no number")
    assert source.failing_since == AT + hour and source.failures == 3
    source.ran(Stamp("okra", AT + 4 * hour), value=1.0, recorded=True, origin="x")
    assert source.failing_since is None
    source.failed(Stamp("okra", AT + 5 * hour), "no number")
    assert source.failing_since == AT + 5 * hour
