"""Data sources without I/O: schedules, settings per kind, sealed secrets, and the
documents the projection keeps (never a secret)."""

from __future__ import annotations

import pytest

from domain.application.secrets import SecretBox, signing_secret
from domain.model.data_source import SourceKind, interval_of, settings_for
from domain.model.errors import InvalidInput
from projections.views import DATA_SOURCES
from tests.builders import year_of_work
from tests.unit.test_projections import Views


@pytest.mark.parametrize(
    ("written", "normal", "seconds"),
    [("15m", "15m", 900), ("6H", "6h", 21600), (" daily ", "1d", 86400), ("weekly", "7d", 604800)],
)
def test_schedules(written: str, normal: str, seconds: int) -> None:
    assert interval_of(written) == (normal, seconds)


@pytest.mark.parametrize("written", ["0m", "32d", "1w", "every hour", "", "1.5h", "99999d"])
def test_schedules_refused(written: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        interval_of(written)
    assert refused.value.field == "schedule"


def settings(kind: SourceKind, **given: object) -> dict[str, object]:
    base: dict[str, object] = {
        "schedule": None,
        "url": None,
        "json_path": None,
        "query": None,
        "header_name": None,
        "has_secret": False,
    }
    return settings_for(kind, **{**base, **given})  # type: ignore[arg-type]


def test_each_kind_takes_its_settings() -> None:
    http = settings(SourceKind.HTTP_JSON, schedule="1h", url="https://x.example", json_path="$.a")
    assert http["interval"] == 3600 and http["json_path"] == "$.a"
    assert settings(SourceKind.PUSH)["schedule"] is None
    for kind, given, field in (
        (SourceKind.HTTP_JSON, {"schedule": "1h", "url": "https://x.example"}, "json_path"),
        (SourceKind.PROMETHEUS, {"schedule": "1h", "url": "https://p.example"}, "query"),
        (SourceKind.POSTGRES_QUERY, {"schedule": "1h", "url": "https://x", "query": "x"}, "url"),
        (SourceKind.PUSH, {"schedule": "1h"}, "schedule"),
        (SourceKind.POSTGRES_QUERY, {"query": "SELECT 1"}, "schedule"),
        (SourceKind.PUSH, {"header_name": "X-Key", "has_secret": True}, "header_name"),
        (
            SourceKind.HTTP_JSON,
            {"schedule": "1h", "url": "https://x", "json_path": "$", "header_name": "Bad Name"},
            "header_name",
        ),
    ):
        with pytest.raises(InvalidInput) as refused:
            settings(kind, **given)
        assert refused.value.field == field, (kind, given)


def test_secrets_are_sealed_and_open_only_with_their_key() -> None:
    box = SecretBox("one key")
    sealed = box.seal("Bearer s3cret")
    assert "s3cret" not in sealed
    assert box.open(sealed) == "Bearer s3cret"
    assert SecretBox("another key").open(sealed) is None
    assert signing_secret().startswith("whsec_") and signing_secret() != signing_secret()


def test_the_document_of_a_source_keeps_its_runs_and_no_secret() -> None:
    org = year_of_work()
    docs = Views(org.events).docs[DATA_SOURCES.name]
    assert len(docs) == 1
    doc = docs[0]
    assert doc["schedule"] == "6h" and doc["interval"] == 21600
    assert doc["last_value"] == 96 and doc["failures"] == 0 and doc["last_error"] is None
    assert doc["next_run_at"] > doc["last_run_at"]
    assert "sealed_secret" not in doc and doc["has_secret"] is False
