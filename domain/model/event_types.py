"""The public name of every event type: what webhooks (and notices) subscribe to.

An event's type is ``<aggregate>.<event>`` in snake_case, made from the class names:
``Objective.CheckInRecorded`` is ``objective.check_in_recorded``, ``Team.TeamCreated``
is ``team.team_created``, ``ApiToken.TokenRevoked`` is ``api_token.token_revoked``. No
table lists them, so an aggregate added later (``Notice``) has its types at once.

A subscription is a list of patterns: an exact type, a prefix ending in ``*``
(``objective.*``, ``notice.*``) or ``*`` alone for every type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
PATTERN = re.compile(r"^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*))$")


def snake(name: str) -> str:
    """``CheckInRecorded`` → ``check_in_recorded``, ``ApiToken`` → ``api_token``."""
    return _WORD.sub("_", name).lower()


@cache
def event_type_of(event_class: type) -> str:
    """The type of an event class nested in its aggregate (its qualified name's last
    two parts); an event class defined elsewhere is typed by its own name alone."""
    parts = event_class.__qualname__.split(".")
    return ".".join(snake(part) for part in parts[-2:])


def event_type(event: object) -> str:
    kind: type = type(event)
    return event_type_of(kind)


def is_pattern(pattern: str) -> bool:
    """Whether a subscription pattern is well formed (``team.*``, ``*``, an exact type)."""
    return bool(PATTERN.fullmatch(pattern))


def matches(patterns: Iterable[str], type_name: str) -> bool:
    """Whether any pattern selects that type."""
    for pattern in patterns:
        if pattern == "*" or pattern == type_name:
            return True
        if pattern.endswith("*") and type_name.startswith(pattern[:-1]):
            return True
    return False
