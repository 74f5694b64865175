"""The roles a credential speaks with: what its holder may do, organisation-wide."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # everything: teams, cycles, tokens, the strategy map
    MEMBER = "member"  # changes the OKRs of their teams and of the teams below them
    VIEWER = "viewer"  # reads only
