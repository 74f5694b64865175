"""The enumerations, exposed to GraphQL with a description for each value.

Each enumeration is defined once, as a ``StrEnum`` where its values come from (the
domain model for OKR states and kinds, the audit for what it finds); this module only
tells GraphQL what each value means. Resolvers and inputs use the domain's members as they are.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

import strawberry

from domain.model.action import ActionSize, ActionStatus, CollaborationStatus
from domain.model.bet import BetOutcome, BetStatus
from domain.model.cycle import CycleKind, CycleStatus
from domain.model.data_source import SourceKind, SourceStatus
from domain.model.notice import NoticeKind, NotificationChannel
from domain.model.objective import Measure, ObjectiveKind, ObjectiveStatus
from domain.model.roles import MemberRole
from domain.model.scoring import ScoreBand
from domain.model.team import TeamStatus
from domain.model.webhook import WebhookFormat
from projections.audit import FindingEntityType, FindingKind, Severity
from projections.deliveries import DeliveryStatus

E = TypeVar("E", bound=StrEnum)


def expose(enum: type[E], description: str, **values: str) -> type[E]:
    """``enum`` as a GraphQL enum, described as a whole and value by value (every value
    must be described: the schema documents each)."""
    if set(values) != {member.name for member in enum}:
        raise ValueError(f"describe every value of {enum.__name__}: {[m.name for m in enum]}")
    exposed = strawberry.enum(enum, description=description)
    definition: Any = exposed.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = values[value.name]
    return exposed


expose(
    CycleKind,
    "The length of a cycle.",
    ANNUAL="A year; quarters sit inside one.",
    QUARTERLY="A quarter inside an annual cycle.",
)
expose(
    CycleStatus,
    "OPEN cycles take changes; CLOSED ones are graded and read-only; CANCELLED ones were "
    "called off before anything was planned in them.",
    OPEN="Takes new objectives, edits and check-ins.",
    CLOSED="Graded and read-only; bets can still be resolved.",
    CANCELLED="Called off while empty; takes nothing.",
)
expose(
    TeamStatus,
    "Whether a team is in use.",
    ACTIVE="In use.",
    ARCHIVED="Retired: takes no new objectives; left out of teams unless asked for.",
)
expose(
    ObjectiveKind,
    "COMMITTED objectives are expected to reach 1.0; ASPIRATIONAL ones do well at 0.7.",
    COMMITTED="Expected to reach 1.0.",
    ASPIRATIONAL="A stretch goal: 0.7 is doing well.",
)
expose(
    ObjectiveStatus,
    "ACTIVE or ARCHIVED by its team; CLOSED with its cycle.",
    ACTIVE="Being worked on.",
    ARCHIVED="Set aside by its team; the audit and the strategy map leave it out.",
    CLOSED="Its cycle closed: graded and read-only.",
)
expose(
    Measure,
    "How a key result is measured.",
    METRIC="A value moving from startValue to targetValue.",
    MILESTONES="A list of milestones, done in order.",
)
expose(
    ScoreBand,
    "Google's grading bands: RED 0.0–0.3, YELLOW 0.4–0.6, GREEN 0.7–1.0.",
    RED="Below 0.4: little real progress.",
    YELLOW="From 0.4 to below 0.7: progress, short of the target.",
    GREEN="0.7 and above: delivered.",
)
expose(
    BetStatus,
    "Where a bet stands.",
    PLACED="Open: its stake counts against the team's budget.",
    VALIDATED="It worked: the hypothesis held.",
    INVALIDATED="It did not work: the hypothesis failed.",
    WITHDRAWN="Called off before it played out; its stake no longer counts.",
)
expose(
    BetOutcome,
    "How a placed bet ended.",
    VALIDATED="The hypothesis held.",
    INVALIDATED="The hypothesis failed.",
    WITHDRAWN="Called off; its stake no longer counts against the budget.",
)
expose(
    FindingKind,
    "What the audit found; the README explains each and its threshold.",
    COMMITTED_AT_RISK="A committed key result's latest confidence is below the threshold.",
    TANGENT_BET="A bet on a closed or archived objective, expecting no progress, or staking "
    "far more per expected progress than the cycle's median.",
    ORPHAN_OBJECTIVE="An objective below the top level that cascades from nothing and aligns "
    "with nothing.",
    UNSERVED_KEY_RESULT="Past the first part of the cycle, a key result with no bet and no "
    "objective cascading from it.",
    STALE_KEY_RESULT="A key result without a check-in for longer than its team's cadence.",
    KEY_ACTION_IDLE="Past half the cycle, a key action still an idea: neither bet on nor dropped.",
    OVERLOADED_TEAM="A team with too many objectives in the cycle, or an objective with too "
    "many key results.",
    UNTAGGED_OBJECTIVE="An objective serving no value or constituent of the strategy map.",
    INACTIVE_OWNER="An open objective, key result or placed bet owned by a deactivated person.",
    NO_OWNER="An open objective, key result or placed bet that nobody owns.",
    BROKEN_DATA_SOURCE="A key result's data source failed 3 times or more in a row.",
)
expose(
    Severity,
    "CRITICAL: act now; WARNING: an alignment gap; INFO: hygiene.",
    CRITICAL="Act now.",
    WARNING="An alignment gap.",
    INFO="Hygiene.",
)
expose(
    FindingEntityType,
    "The kind of entity a finding is about.",
    TEAM="The finding is about a team.",
    OBJECTIVE="The finding is about an objective.",
    KEY_RESULT="The finding is about a key result.",
    BET="The finding is about a bet.",
    ACTION="The finding is about an action.",
)

expose(
    MemberRole,
    "What a person is in a team (and, for changes, in the teams below it).",
    LEAD="Changes the team's OKRs and manages its members.",
    MEMBER="Changes the team's OKRs.",
    CHAMPION="The OKR facilitator: tags the team's objectives, edits nobody's OKRs.",
)
# Actions (issue 15).
expose(
    ActionSize,
    "A team's rough estimate of an action, before any stake.",
    XS="Hours.",
    S="A few days.",
    M="A week or two.",
    L="Several weeks.",
    XL="Most of the cycle, or more.",
)
expose(
    ActionStatus,
    "Where an action stands: an idea, a bet and how it ended, or dropped.",
    IDEA="In the backlog: not a plan and not a commitment; it costs no stake.",
    BET="The team placed a bet on it: it stakes, gives odds and expects an impact.",
    VALIDATED="Its bet's hypothesis held.",
    INVALIDATED="Its bet's hypothesis failed.",
    WITHDRAWN="Its bet was called off.",
    DROPPED="The team let the idea go, with a reason.",
)
expose(
    CollaborationStatus,
    "An offer to collaborate on another team's action, and the owning team's answer.",
    OFFERED="Waiting for the owning team's answer.",
    ACCEPTED="The owning team accepted: the offering team collaborates on it.",
    DECLINED="The owning team declined.",
)

# Data sources (issue 17).
expose(
    SourceKind,
    "Where a data source reads a key result's number.",
    HTTP_JSON="GET a URL answering JSON; a JSONPath picks the number.",
    POSTGRES_QUERY="A read-only SQL query answering one row of one number.",
    PROMETHEUS="An instant query of a Prometheus HTTP API answering one sample.",
    PUSH="The system pushes signed numbers to POST /sources/{id} (Standard Webhooks).",
)
expose(
    SourceStatus,
    "Whether a data source runs.",
    CONNECTED="It runs on its schedule (or when its system pushes).",
    DISCONNECTED="It runs no more; its check-ins stay.",
)

# webhooks (issue 16)
expose(
    WebhookFormat,
    "What a webhook receives.",
    JSON="The event as JSON (type, position, recordedAt, actor, entity, data).",
    SLACK='A Slack/Mattermost incoming-webhook message: {"text": …}.',
)
expose(
    DeliveryStatus,
    "How a webhook delivery stands.",
    PENDING="Waiting for its first attempt or for a retry.",
    DELIVERED="The receiver answered 2xx.",
    FAILED="Given up: 24 hours of failures, or its webhook is disabled.",
)

# notices (issue 16)
expose(
    NotificationChannel,
    "How reminders, escalations and digests reach a person.",
    EMAIL="E-mail, when OKRA_SMTP_URL is set and the person has an email address.",
    WEBHOOK="The webhooks subscribed to notice.* events: a person who mutes it is left out "
    "of their recipients, and a notice for nobody else is not delivered.",
)
expose(
    NoticeKind,
    "What a notice says.",
    CHECK_IN_DUE="To a key result's owner, the day its latest check-in becomes older than "
    "the team's cadence.",
    SILENCE_ESCALATED="To the team's leads after 2 × the cadence without a check-in, to the "
    "parent team's leads after 3 ×.",
    DIGEST="A team's week, to its members, on the weekday and hour the team set.",
    DATA_SOURCE_BROKEN="To a key result's owner, once per streak, when its data source has "
    "failed 3 times in a row.",
)

__all__ = [
    "ActionSize",
    "ActionStatus",
    "BetOutcome",
    "BetStatus",
    "CollaborationStatus",
    "CycleKind",
    "CycleStatus",
    "DeliveryStatus",
    "FindingEntityType",
    "FindingKind",
    "Measure",
    "MemberRole",
    "NoticeKind",
    "NotificationChannel",
    "ObjectiveKind",
    "ObjectiveStatus",
    "ScoreBand",
    "Severity",
    "SourceKind",
    "SourceStatus",
    "TeamStatus",
    "WebhookFormat",
]
