"""Liveness and readiness."""
from __future__ import annotations

from aiohttp import web

from ..keys import DB
from ..responses import ok

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return ok({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    try:
        await request.app[DB].ping()
    except Exception:  # any database failure means "not ready", never a 500
        return ok({"code": "not_ready", "message": "The database is not reachable."}, status=503)
    return ok({"status": "ready"})
