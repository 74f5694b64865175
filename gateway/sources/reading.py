"""Reading one number from a data source, by kind, each through a maintained client.

- ``HTTP_JSON``: a GET through the SSRF-guarded client (:mod:`gateway.outbound`), the
  number picked by a JSONPath (``jsonpath-ng``);
- ``PROMETHEUS``: an instant query (``GET /api/v1/query``) of the Prometheus HTTP API
  through the same guarded client (a Prometheus client library would connect on its
  own, past the guard);
- ``POSTGRES_QUERY``: ``asyncpg``, to the address the guard checked, in a read-only
  transaction with a statement timeout; the query must answer one row of one number.

Whatever goes wrong is a :class:`ReadFailed` whose message the source records (never a
secret: header values and DSNs do not appear in it).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit

import asyncpg
import httpx
from jsonpath_ng.ext.parser import parse as parse_json_path

from domain.application.handlers.data_sources import RunSpec
from domain.model.data_source import SourceKind
from gateway.outbound import Outbound, Refused, checked_address


class ReadFailed(Exception):
    """No number was read; the message says why, for the people who own the source."""


def number(value: Any, where: str) -> float:
    """A finite number (JSON numbers, numeric text, SQL numerics), or a refusal."""
    if isinstance(value, bool) or value is None:
        raise ReadFailed(f"{where} is {json.dumps(value)}, not a number")
    if isinstance(value, int | float | Decimal):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            raise ReadFailed(f"{where} is {value[:50]!r}, not a number") from None
    else:
        raise ReadFailed(f"{where} is a {type(value).__name__}, not a number")
    if not math.isfinite(result):
        raise ReadFailed(f"{where} is {result}, not a finite number")
    return result


async def _get_json(outbound: Outbound, url: str, spec: RunSpec) -> Any:
    headers = {"Accept": "application/json"}
    if spec.header_name is not None:
        if spec.secret is None:
            raise ReadFailed("the header's secret cannot be opened: give it again")
        headers[spec.header_name] = spec.secret
    try:
        answer = await outbound.request("GET", url, headers=headers)
    except Refused as refused:
        raise ReadFailed(refused.reason) from None
    except httpx.HTTPError as error:
        raise ReadFailed(f"could not reach {_host(url)}: {type(error).__name__}") from None
    if not 200 <= answer.status < 300:
        raise ReadFailed(f"{_host(url)} answered HTTP {answer.status}")
    try:
        return json.loads(answer.body)
    except ValueError:
        raise ReadFailed(f"{_host(url)} did not answer JSON") from None


def _host(url: str) -> str:
    return urlsplit(url).netloc.rpartition("@")[2] or url[:100]


async def http_json(spec: RunSpec, outbound: Outbound) -> tuple[float, str]:
    assert spec.url is not None and spec.json_path is not None
    data = await _get_json(outbound, spec.url, spec)
    try:
        matches = parse_json_path(spec.json_path).find(data)
    except Exception as error:  # jsonpath-ng raises plain Exceptions for bad paths
        raise ReadFailed(f"the JSONPath does not parse: {error}") from None
    if len(matches) != 1:
        raise ReadFailed(f"the JSONPath {spec.json_path} matched {len(matches)} values, not 1")
    value = number(matches[0].value, f"the value at {spec.json_path}")
    return value, f"{spec.url} at {spec.json_path}"


async def prometheus(spec: RunSpec, outbound: Outbound) -> tuple[float, str]:
    assert spec.url is not None and spec.query is not None
    url = spec.url.rstrip("/") + "/api/v1/query?" + urlencode({"query": spec.query})
    body = await _get_json(outbound, url, spec)
    if not isinstance(body, dict) or body.get("status") != "success":
        error = body.get("error") if isinstance(body, dict) else None
        raise ReadFailed(f"Prometheus refused the query: {error or 'no success status'}")
    data = body.get("data") or {}
    kind, result = data.get("resultType"), data.get("result")
    if kind == "scalar" and isinstance(result, list) and len(result) == 2:
        value = result[1]
    elif kind == "vector" and isinstance(result, list):
        if len(result) != 1:
            raise ReadFailed(f"the query answered {len(result)} series, not 1")
        value = (result[0].get("value") or [None, None])[1]
    else:
        raise ReadFailed(f"the query answered a {kind}, not one sample")
    return number(value, "the query's sample"), f"Prometheus {spec.url}: {spec.query}"


async def postgres_query(spec: RunSpec, outbound: Outbound, seconds: float) -> tuple[float, str]:
    assert spec.query is not None
    if spec.secret is None:
        raise ReadFailed("the DSN cannot be opened: give it again")
    parts = urlsplit(spec.secret)
    host = parts.hostname or ""
    try:
        port = parts.port or 5432
        literal = f"[{host}]" if ":" in host else host
        address = await checked_address(f"http://{literal}:{port}/", outbound.allow_private)
    except Refused as refused:
        raise ReadFailed(refused.reason) from None
    except ValueError:
        raise ReadFailed("the DSN names no valid port") from None
    try:
        conn = await asyncpg.connect(
            spec.secret,
            host=str(address),
            port=port,
            timeout=seconds,
            server_settings={"application_name": "okra-data-source"},
        )
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise ReadFailed(f"could not connect to {host}:{port}: {_reason(error)}") from None
    try:
        async with conn.transaction(readonly=True):
            await conn.execute(f"SET LOCAL statement_timeout = {max(1, int(seconds * 1000))}")
            # The server's statement timeout ends a slow query first; this is the backstop.
            rows = await conn.fetch(spec.query, timeout=seconds + 2)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
        raise ReadFailed(f"the query failed: {_reason(error)}") from None
    finally:
        await conn.close(timeout=seconds)
    if len(rows) != 1 or len(rows[0]) != 1:
        columns = len(rows[0]) if rows else 0
        raise ReadFailed(
            f"the query answered {len(rows)} rows of {columns} columns, not one number"
        )
    return number(rows[0][0], "the query's answer"), f"PostgreSQL {host}: {spec.query}"


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__


async def read(spec: RunSpec, outbound: Outbound, seconds: float) -> tuple[float, str]:
    """The number a source holds now and where it came from (for the check-in's note)."""
    if spec.kind == SourceKind.HTTP_JSON:
        return await http_json(spec, outbound)
    if spec.kind == SourceKind.PROMETHEUS:
        return await prometheus(spec, outbound)
    if spec.kind == SourceKind.POSTGRES_QUERY:
        return await postgres_query(spec, outbound, seconds)
    raise ReadFailed(f"a {spec.kind} source is not read: its system pushes")
