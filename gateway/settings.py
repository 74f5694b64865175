"""Configuration: environment variables (``OKRA_*``) and CLI flags, one model for both."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gateway.audit_settings import AuditSettings


class Introspection(StrEnum):
    """Who may introspect the schema (``OKRA_INTROSPECTION``)."""

    AUTHENTICATED = "authenticated"  # signed-in requests only (the default)
    ON = "true"  # everyone
    OFF = "false"  # no one


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OKRA_", extra="ignore")

    data_dir: Path = Field(Path("okra-data"), description="Where the embedded SQLite files live.")
    database_url: str | None = Field(
        None,
        description="postgresql://user:pass@host:port/db switches every store to "
        "PostgreSQL; unset means the embedded SQLite store.",
    )
    database_schema: str = Field("public", description="PostgreSQL schema holding OKRA's tables.")
    host: str = Field("127.0.0.1", description="Address the gateway listens on.")
    port: int = Field(8000, description="Port the gateway listens on.")
    projector: bool = Field(
        True,
        description="Run the projector inside the gateway (turn off when an "
        "external `okra project` maintains the views).",
    )
    read_your_writes_timeout: float = Field(
        10.0, description="Seconds a mutation waits for the views to show its effect."
    )
    batch_size: int = Field(500, description="Events the projector applies per transaction.")
    startup_timeout: float = Field(
        120.0, description="Seconds the gateway waits at start for the views to catch up."
    )
    poll_interval: float = Field(
        1.0, description="Seconds between catch-up polls of the event log."
    )
    log_level: str = Field("info", description="Log level of the gateway.")
    log_format: Literal["auto", "json", "console"] = Field(
        "auto", description="json, console, or auto (console on a terminal, else JSON)."
    )
    webhook_allow_private: bool = Field(
        False,
        description="Let webhooks and data sources call private, loopback and link-local "
        "addresses (refused otherwise: see gateway/outbound.py).",
    )
    secret_key: str | None = Field(
        None,
        description="Key that encrypts data sources' secrets (header values, DSNs, push "
        "signing secrets): any long random text. Unset: sources that need a secret are "
        "refused.",
    )
    sources_interval: float = Field(
        30.0, description="Seconds between looks for data sources that are due to run."
    )
    source_timeout: float = Field(
        10.0,
        description="Seconds a data source's request or query may take (its PostgreSQL "
        "statement timeout too).",
    )
    webhook_claim_seconds: float = Field(
        120.0,
        gt=2,
        description="Seconds a gateway holds the webhook deliveries it is sending; those of "
        "a gateway that died are sent again after this (each attempt gets half of it, 30 s "
        "at most).",
    )
    public_read: bool = Field(
        False, description="Serve queries without a token (writes always need one)."
    )
    token_cache_seconds: float = Field(
        5.0,
        description="How long a checked API token or JWT is trusted before it is looked up "
        "again (so a revoked token or a deactivated person is refused within it).",
    )
    jwt_secret: str | None = Field(
        None, description="Shared secret (HS256) of JWTs from your identity provider."
    )
    jwt_jwks_url: str | None = Field(
        None, description="JWKS URL of your identity provider, for RS256/ES256 JWTs."
    )
    jwt_issuer: str | None = Field(None, description="Required `iss` of JWTs.")
    jwt_audience: str | None = Field(None, description="Required `aud` of JWTs.")
    jwt_algorithms: list[str] | None = Field(
        None,
        description='Accepted JWT algorithms, a JSON list such as ["RS256"] (default: HS256 '
        "with a secret, else RS256…).",
    )
    jwt_leeway: float = Field(
        30.0,
        ge=0,
        description="Seconds of clock difference allowed when checking a JWT's exp, nbf and iat.",
    )
    jwt_user_claim: str = Field(
        "sub", description="Claim naming the user: a person's handle or email."
    )
    jwt_role_claim: str = Field(
        "okra_role", description="Claim holding admin, member or viewer (default viewer)."
    )
    jwt_teams_claim: str = Field("okra_teams", description="Claim listing the user's team ids.")
    jwt_auto_provision: bool = Field(
        False,
        description="Add a validly signed JWT's user that matches no person's handle or email "
        "as a person on first sign-in (with the teams claim as memberships).",
    )
    max_query_depth: int = Field(12, description="Deepest selection a query may nest.")
    max_query_tokens: int = Field(5_000, description="Most tokens a GraphQL document may have.")
    max_aliases: int = Field(50, description="Most aliases a GraphQL document may use.")
    max_query_cost: int = Field(
        50_000,
        ge=1,
        description="Most a query may cost before it runs (fields, times the page sizes of "
        "the lists they are in; heavy roots their own cost: see Security).",
    )
    max_heavy_queries: int = Field(
        2,
        ge=1,
        description="Heavy queries (retrospective, alignmentAudit, strategyMap, alignment, "
        "team scoreTrend, auditTrail) computed at once; others wait for a turn.",
    )
    heavy_queue_seconds: float = Field(
        2.0,
        ge=0,
        description="Seconds a heavy query waits for a turn before it is answered 503 "
        "OVERLOADED with Retry-After.",
    )
    max_body_bytes: int = Field(
        256_000, description="Largest request body accepted, and largest websocket message."
    )
    max_subscriptions: int = Field(
        20,
        ge=1,
        description="Most operations (subscriptions, and queries or mutations sent over it) "
        "one websocket runs at once.",
    )
    request_timeout: float = Field(
        15.0, description="Seconds a request may take before it is answered with TIMEOUT."
    )
    introspection: Introspection = Field(
        Introspection.AUTHENTICATED,
        description="Who may introspect the schema: authenticated (signed-in requests; "
        "anonymous ones, possible with OKRA_PUBLIC_READ, get no schema and no "
        '"Did you mean" suggestions), true (everyone) or false (no one).',
    )
    graphiql_cdn: bool = Field(
        False,
        description="Load GraphiQL's scripts and styles from unpkg.com (the same pinned "
        "files, checked by subresource integrity) instead of the copies the server ships.",
    )
    ready_max_lag: int = Field(
        1_000, description="Most events the views may trail the log by and still be ready."
    )
    ready_timeout: float = Field(2.0, description="Seconds /readyz waits for the stores.")
    ready_max_stall: float = Field(
        30.0,
        description="Seconds the views may trail the log without moving before /readyz "
        "reports them stalled (a projector that keeps failing).",
    )
    aggregate_cache_size: int = Field(
        10_000, description="Aggregates kept in memory by the command side."
    )
    audit: AuditSettings = Field(default_factory=AuditSettings, description="OKRA_AUDIT_*")
    # notices (issue 16): reminders, escalations, digests
    timezone: str = Field(
        "UTC",
        description="IANA time zone of the organisation's calendar: the day reminders fall "
        "due, and the weekday and hour of the weekly digests.",
    )
    notices: bool = Field(
        True,
        description="Send reminders, escalations and digests from this gateway (one "
        "process at a time sends: they share the projector's kind of lease).",
    )
    notice_interval: float = Field(
        60.0, gt=0, description="Seconds between two looks at which notices are due."
    )
    smtp_url: str | None = Field(
        None,
        description="smtp://user:pass@host:port (smtps:// for TLS, ?starttls=true to "
        "upgrade) sends notices by e-mail; unset: no e-mail.",
    )
    smtp_from: str = Field("okra@localhost", description="The From address of notice e-mails.")

    @field_validator("introspection", mode="before")
    @classmethod
    def _switch(cls, value: object) -> object:
        """true/false as any spelling of a boolean (1, yes, off, …), as before."""
        if isinstance(value, bool):
            return Introspection.ON if value else Introspection.OFF
        spelled = str(value).strip().lower()
        if spelled in ("1", "yes", "on", "y", "t"):
            return Introspection.ON
        if spelled in ("0", "no", "off", "n", "f"):
            return Introspection.OFF
        return spelled

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            message = f"unknown time zone {value!r} (an IANA name such as Europe/Paris)"
            raise ValueError(message) from None
        return value

    @model_validator(mode="after")
    def _jwt_is_checked(self) -> Settings:
        if (self.jwt_secret or self.jwt_jwks_url) and not (self.jwt_issuer and self.jwt_audience):
            raise ValueError("JWTs need OKRA_JWT_ISSUER and OKRA_JWT_AUDIENCE to be checked")
        return self

    @property
    def json_logs(self) -> bool:
        if self.log_format == "auto":
            return not sys.stderr.isatty()
        return self.log_format == "json"

    @property
    def is_postgres(self) -> bool:
        return bool(self.database_url)

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment eventsourcing's infrastructure factory reads."""
        common = {
            # Commands load aggregates from a cache fast-forwarded from the store,
            # instead of replaying whole streams.
            "AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache_size),
        }
        if not self.database_url:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            return common | {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.data_dir / "events.sqlite"),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        url = urlsplit(self.database_url)
        return common | {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_SCHEMA": self.database_schema,
            "POSTGRES_POOL_SIZE": "10",
            "POSTGRES_MAX_OVERFLOW": "10",
        }

    @property
    def views_path(self) -> Path:
        return self.data_dir / "views.sqlite"
