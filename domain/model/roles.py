"""The roles a credential speaks with, and the roles a person holds in a team."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a credential may do, organisation-wide."""

    ADMIN = "admin"  # everything: teams, cycles, people, tokens, the strategy map
    MEMBER = "member"  # changes the OKRs of their teams and of the teams below them
    VIEWER = "viewer"  # reads only


class MemberRole(StrEnum):
    """What a person is in one team (and, for changes, in the teams below it)."""

    LEAD = "LEAD"  # changes the team's OKRs and manages its members
    MEMBER = "MEMBER"  # changes the team's OKRs
    CHAMPION = "CHAMPION"  # the OKR facilitator: tags objectives, edits nobody's OKRs
