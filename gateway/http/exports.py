"""``GET /export/cycles/{cycle}.xlsx`` and ``.csv``: a cycle's OKRs as a file, for a
signed-in user (what ``okra export cycle`` writes, read from this gateway's views).

The credential is checked as for every GraphQL request (a bearer token or JWT, by
:mod:`gateway.auth`; anonymous only with ``OKRA_PUBLIC_READ``, since an export shows
nothing a query would not). Unlike GraphQL's, this check has no exception for a
browser's page request: a file is data. An export is heavy work (a whole cycle):
it takes one of the heavy turns, and the file is built in the heavy pool, off the
event loop. Errors answer in the one JSON error shape: 401, 404 for a cycle that
neither id nor name finds, 400 for an unknown ``sheet``, 503 when overloaded.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from gateway.auth import Unauthenticated
from gateway.backend import Backend
from gateway.export.delimited import MEDIA_TYPE as CSV
from gateway.export.delimited import delimited
from gateway.export.sheets import KEY_RESULTS, SHEET_NAMES, UnknownCycle, gather
from gateway.export.workbook import MEDIA_TYPE as XLSX
from gateway.export.workbook import workbook
from gateway.heavy import Overloaded
from gateway.http.authentication import authenticator
from gateway.http.errors import error_response


def _refused(message: str) -> Response:
    return error_response(
        401, message, code="UNAUTHENTICATED", headers={"WWW-Authenticate": "Bearer"}
    )


async def export_xlsx(request: Request) -> Response:
    return await _export(request, "xlsx")


async def export_csv(request: Request) -> Response:
    return await _export(request, "csv")


async def _export(request: Request, format: str) -> Response:
    backend: Backend = request.app.state.backend
    try:
        principal = await authenticator(request.scope).principal(
            request.headers.get("authorization")
        )
    except Unauthenticated as error:
        return _refused(str(error))
    if principal is None and not backend.settings.public_read:
        return _refused("send Authorization: Bearer <token> (see `okra token create`)")
    sheet = request.query_params.get("sheet", KEY_RESULTS)
    if sheet not in SHEET_NAMES or (format == "xlsx" and sheet != KEY_RESULTS):
        choices = ", ".join(SHEET_NAMES) if format == "csv" else "none (a workbook holds all)"
        return error_response(400, f"sheet: one of {choices}", code="BAD_USER_INPUT")
    try:
        async with backend.heavy.turn():
            export = await gather(backend.store, request.path_params["cycle"])
            if format == "xlsx":
                body = await backend.heavy.compute(workbook, export, backend.app.clock())
            else:
                body = await backend.heavy.compute(delimited, export.sheet(sheet))
    except UnknownCycle as error:
        return error_response(404, str(error), code="NOT_FOUND")
    except Overloaded as error:
        return error_response(
            503,
            str(error),
            code="OVERLOADED",
            headers={"Retry-After": str(error.retry_after)},
        )
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", str(export.cycle["name"])).strip("-") or "cycle"
    suffix = "" if sheet == KEY_RESULTS else f"-{sheet}"
    return Response(
        body,
        media_type=XLSX if format == "xlsx" else CSV,
        headers={
            "Content-Disposition": f'attachment; filename="okrs-{name}{suffix}.{format}"',
            "Cache-Control": "private, no-store",
        },
    )
