"""Moments clients send: read in UTC, refused (naming the field) when they have none."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.schema.errors import OkraError


def utc(value: datetime, field: str = "asOf") -> datetime:
    """A moment from a client, in UTC; without a time zone it is read as UTC. One that
    has no UTC time in the calendar (9999-12-31T23:59:59-14:00) names its field."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise OkraError(
            f"{field}: must be a moment between the years 1 and 9999 in UTC",
            "BAD_USER_INPUT",
            field,
        ) from None
