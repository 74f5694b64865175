"""Moments clients send: read in UTC, refused (naming the field) when they have none."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.model import rules
from gateway.schema.errors import OkraError


def utc(value: datetime, field: str = "asOf") -> datetime:
    """A moment from a client, in UTC; without a time zone it is read as UTC. One that
    has no UTC time in the calendar (9999-12-31T23:59:59-14:00), or lies outside the
    days OKRA keeps (1970–2199, as every date input), names its field."""
    try:
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not rules.FIRST_DAY <= moment.date() <= rules.LAST_DAY:
        raise OkraError(
            f"{field}: must be a moment between {rules.FIRST_DAY} and {rules.LAST_DAY} in UTC",
            "BAD_USER_INPUT",
            field,
        )
    return moment
