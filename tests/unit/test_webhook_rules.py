"""Webhooks' pure parts: the event type names (the contract the notices share), the
subscription patterns, delivery ids, the backoff and the derived secrets."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from domain.model.errors import InvalidInput
from domain.model.event_types import event_type_of, is_pattern, matches, snake
from domain.model.objective import Objective
from domain.model.person import Person
from domain.model.team import Team
from domain.model.token import ApiToken
from domain.model.webhook import Webhook, delivery_id, event_patterns, parse_delivery_id, url
from gateway.dispatcher import backoff, secret_of, slack_text


def test_event_types_are_aggregate_and_event_in_snake_case() -> None:
    assert event_type_of(Objective.CheckInRecorded) == "objective.check_in_recorded"
    assert event_type_of(Team.TeamCreated) == "team.team_created"
    assert event_type_of(ApiToken.TokenRevoked) == "api_token.token_revoked"
    assert event_type_of(Person.TeamJoined) == "person.team_joined"
    assert event_type_of(Webhook.WebhookDisabled) == "webhook.webhook_disabled"
    assert snake("SilenceEscalated") == "silence_escalated" and snake("KPIRead") == "kpi_read"

    class Notice:  # an aggregate added later (the notices) is typed with no table
        class CheckInDue:
            pass

    assert event_type_of(Notice.CheckInDue) == "notice.check_in_due"


def test_patterns_select_exact_types_prefixes_and_everything() -> None:
    assert matches(["objective.*"], "objective.check_in_recorded")
    assert matches(["*"], "notice.digest_due")
    assert matches(["team.team_created"], "team.team_created")
    assert not matches(["objective.*"], "objectives.x")
    assert not matches(["team.team_created"], "team.team_created_too")
    for good in ("*", "notice.*", "objective.check_in_recorded"):
        assert is_pattern(good)
    for bad in ("", "objective", "objective.**", "Objective.*", "a.b.c", "*.x", "team.*\n"):
        assert not is_pattern(bad), bad
    assert event_patterns([" team.* ", "team.*", "*"]) == ["team.*", "*"]
    with pytest.raises(InvalidInput):
        event_patterns([])


def test_urls_are_http_with_a_host() -> None:
    assert (
        url(" https://hooks.slack.com/services/T/B/x ") == "https://hooks.slack.com/services/T/B/x"
    )
    for bad in ("ftp://x/", "https:///path", "http://a b/", "http://x\x00/", "x" * 2001):
        with pytest.raises(InvalidInput):
            url(bad)


def test_delivery_ids_are_deterministic_and_parse_back() -> None:
    webhook = "0b0e8a3c-6a43-4c39-9d0d-6f1f2c7f1f00"
    made = delivery_id(webhook, 42)
    assert made == delivery_id(webhook, 42) == "msg_0b0e8a3c6a434c399d0d6f1f2c7f1f00_42"
    parsed = parse_delivery_id(made)
    assert parsed is not None and str(parsed[0]) == webhook and parsed[1] == 42
    assert parse_delivery_id("msg_0_1") is None


def test_backoff_doubles_with_jitter_up_to_two_hours() -> None:
    rng = random.Random(7)
    waits = [backoff(n, rng) for n in range(1, 16)]
    for n, wait in enumerate(waits, 1):
        ceiling = min(timedelta(seconds=10 * 2 ** (n - 1)), timedelta(hours=2))
        assert ceiling / 2 <= wait <= ceiling
    assert len({w.total_seconds() for w in waits}) == len(waits)  # jittered
    # 24 hours of retries take a bounded number of attempts.
    elapsed, attempts = timedelta(), 0
    while elapsed < timedelta(hours=24):
        attempts += 1
        elapsed += backoff(attempts, rng)
    assert 14 <= attempts <= 30


def test_secrets_are_derived_per_webhook_and_generation_and_sign_verifiably() -> None:
    first = secret_of("key", "w1", 1)
    assert first.startswith("whsec_") and first == secret_of("key", "w1", 1)
    assert len({first, secret_of("key", "w1", 2), secret_of("key", "w2", 1)}) == 3
    assert secret_of("other key", "w1", 1) != first
    Verifier(first)  # a secret standardwebhooks accepts


def test_slack_text_says_what_happened_in_a_line_or_two() -> None:
    body = {
        "type": "objective.check_in_recorded",
        "actor": "mo",
        "entity": {"type": "KeyResult", "id": "k", "teamId": "t", "title": "NPS"},
        "data": {"value": 42, "confidence": 0.7, "note": "", "milestones": []},
    }
    assert (
        slack_text(body) == "*check in recorded*: KeyResult “NPS”, by mo\nvalue 42, confidence 0.7"
    )
