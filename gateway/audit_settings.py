"""Thresholds of the alignment audit (``OKRA_AUDIT_*``), a section of :class:`Settings`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from projections.audit import Thresholds


class AuditSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OKRA_AUDIT_", extra="ignore")

    stale_after_days: int = Field(
        14,
        ge=1,
        description="STALE_KEY_RESULT: days without a check-in, for teams that set no "
        "cadence of their own.",
    )
    unserved_after: float = Field(
        1 / 3,
        ge=0,
        le=1,
        description="UNSERVED_KEY_RESULT: the fraction of the cycle after which a key "
        "result with no bet and no cascaded objective is reported.",
    )
    max_objectives: int = Field(
        5, ge=1, description="OVERLOADED_TEAM: objectives a team may have in one cycle."
    )
    max_key_results: int = Field(
        5, ge=1, description="OVERLOADED_TEAM: key results an objective may have."
    )
    tangent_stake_factor: float = Field(
        3.0,
        gt=1,
        description="TANGENT_BET: how many times the cycle's median stake per expected "
        "progress a bet may cost.",
    )
    at_risk_confidence: float = Field(
        0.5,
        ge=0,
        le=1,
        description="COMMITTED_AT_RISK: a committed key result's latest confidence below "
        "this is reported.",
    )

    def thresholds(self) -> Thresholds:
        return Thresholds(
            cadence_days=self.stale_after_days,
            unserved_after=self.unserved_after,
            max_objectives=self.max_objectives,
            max_key_results=self.max_key_results,
            stake_factor=self.tangent_stake_factor,
            at_risk_confidence=self.at_risk_confidence,
        )
