"""Input rules shared by the commands.

Each helper returns the normalised value or raises :class:`InvalidInput` naming the
field, so a command validates everything before it triggers a single event.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar
from uuid import UUID

from domain.model.errors import InvalidInput

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
NOTE_MAX = 10_000
# The latest date that is "today" somewhere on Earth (UTC+14): a check-in dated
# today in Kiribati is not in the future.
EARTH_AHEAD = timedelta(hours=14)
# Every number an input gives is at most this big: beyond it no OKR means anything, and
# sums of stored numbers stay finite (1e308 stakes once made the audit fail for all).
NUMBER_MAX = 1e12
# Stakes, odds and impacts smaller than this are zero written with noise.
MAGNITUDE_MIN = 1e-9
# The days any input may name: cycles, check-ins, moments asked about, trend ranges.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2199, 12, 31)
# Characters that show nothing: zero-width space, byte-order mark, bidi embeddings and
# overrides (U+202A–U+202E) and isolates (U+2066–U+2069). A title made only of them
# (and spaces) looks empty while passing every length rule.
_INVISIBLE = {
    "\u200b",
    "\ufeff",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
}


# C0 control characters other than tab, newline and carriage return: PostgreSQL's
# text and jsonb refuse NUL outright, and none of them belongs in an OKR.
_CONTROLS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"} | {"\x7f"}


def clean(value: str, field: str) -> str:
    """Text every store can keep: valid Unicode (no lone surrogates), no control codes."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(field, "must be valid Unicode text") from None
    if not _CONTROLS.isdisjoint(value):
        raise InvalidInput(field, "must not contain control characters")
    return value


def title(value: str, field: str = "title") -> str:
    trimmed = clean(value, field).strip()
    if not 1 <= len(trimmed) <= TITLE_MAX:
        raise InvalidInput(field, f"must be 1–{TITLE_MAX} characters after trimming")
    if visible(trimmed) == "":
        raise InvalidInput(field, "must contain a visible character")
    return trimmed


def visible(value: str) -> str:
    """The text without invisible and format characters, trimmed."""
    return "".join(c for c in value if c not in _INVISIBLE).strip()


def day(value: date, field: str) -> date:
    """A date inside the years OKRs are kept for."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise InvalidInput(
            field, f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
        )
    return value


def text(value: str | None, field: str, limit: int = DESCRIPTION_MAX) -> str:
    trimmed = clean(value or "", field).strip()
    if len(trimmed) > limit:
        raise InvalidInput(field, f"must be at most {limit} characters")
    return trimmed


def finite(value: float, field: str) -> float:
    if not math.isfinite(value) or abs(value) > NUMBER_MAX:
        raise InvalidInput(field, f"must be a finite number of magnitude at most {NUMBER_MAX:g}")
    return float(value)


def not_zero(value: float, field: str) -> float:
    """A finite number whose magnitude is not below :data:`MAGNITUDE_MIN` (zero included)."""
    if abs(finite(value, field)) < MAGNITUDE_MIN:
        raise InvalidInput(field, f"must not be zero (magnitude at least {MAGNITUDE_MIN:g})")
    return float(value)


def weight(value: float, field: str = "weight") -> float:
    if not 0 < finite(value, field) <= 100:
        raise InvalidInput(field, "must be greater than 0 and at most 100")
    return float(value)


def unit_interval(value: float, field: str) -> float:
    if not 0 <= finite(value, field) <= 1:
        raise InvalidInput(field, "must be between 0 and 1")
    return float(value)


def odds(value: float, field: str = "odds") -> float:
    if not MAGNITUDE_MIN <= finite(value, field) <= 1:
        raise InvalidInput(field, f"must be at least {MAGNITUDE_MIN:g} and at most 1")
    return float(value)


def positive(value: float, field: str) -> float:
    if not finite(value, field) >= MAGNITUDE_MIN:
        raise InvalidInput(field, f"must be at least {MAGNITUDE_MIN:g}")
    return float(value)


def not_future(value: date, now: datetime, field: str = "as_of") -> date:
    day(value, field)
    if value > (now + EARTH_AHEAD).date():
        raise InvalidInput(field, "must not be in the future")
    return value


def uuid(value: str) -> UUID | None:
    """Parse an aggregate id; ``None`` for a malformed one (it names nothing)."""
    try:
        return UUID(str(value))
    except ValueError:
        return None


E = TypeVar("E", bound=StrEnum)


def choice(value: str, allowed: type[E], field: str) -> E:
    """The member of ``allowed`` named by ``value``, or a refusal that lists them."""
    try:
        return allowed(value)
    except ValueError:
        raise InvalidInput(field, f"must be one of {', '.join(allowed)}") from None
