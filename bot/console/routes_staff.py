"""Login, logout and who am I."""
from __future__ import annotations

import secrets

from aiohttp import web
from sqlalchemy import select

from bot.console.appkeys import DB, KEYS, PASSWORDS, REDIS, SETTINGS, STAFF
from bot.console.audit import audit
from bot.console.auth import (CSRF_HEADER, LOGIN_CSRF_COOKIE, SESSION_COOKIE, LoginBusy, csrf_ok, end_session,
                              start_session)
from bot.console.backoff import told_to_wait
from bot.console.tables import Agent
from bot.console.throttle import LoginThrottle, TooManyAttempts
from bot.desk.bodies import read_json, text
from bot.desk.errors import DeskError

routes = web.RouteTableDef()


class LoginFailed(DeskError):
    status = 401
    code = "login_failed"


class CsrfFailed(DeskError):
    status = 403
    code = "csrf_failed"


@routes.get("/api/login-token")
async def login_token(request: web.Request) -> web.Response:
    """A token for the login form (double submit: the same value in a cookie and in a header)."""
    token = secrets.token_urlsafe(24)
    response = web.json_response({"csrf": token})
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict",
                        secure=request.app[SETTINGS].secure_cookies, max_age=3600)
    return response


@routes.post("/api/login")
async def login(request: web.Request) -> web.Response:
    if not csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE), request.headers.get(CSRF_HEADER)):
        raise CsrfFailed("The page expired; reload it and log in again.")
    body = await read_json(request)
    username = text(body, "username", max_len=64, required=True)
    password = text(body, "password", max_len=1024, required=True)
    settings, checks = request.app[SETTINGS], request.app[PASSWORDS]
    throttle = LoginThrottle(request.app[REDIS], request.app[KEYS])
    if checks.full():  # busy already: refused before anything is counted or asked of Redis
        # A busy answer counts nothing, so a flood would come straight back for another: hold at once (1 s; the
        # login page retries after that second anyway). Measured: handoff p95 during the flood 50-65 ms, ~95 ms
        # when only a second early return was held.
        told_to_wait(request, LoginBusy.retry_after, hold_now=True)
        raise LoginBusy()
    try:
        await throttle.begin(username, request.remote)  # 429 before any password is checked
    except TooManyAttempts as refused:
        told_to_wait(request, refused.retry_after)  # coming back early on this connection waits it out
        raise
    try:
        checks.take()
    except LoginBusy as busy:
        await throttle.refund(username, request.remote)  # never checked: it does not count against anyone
        told_to_wait(request, busy.retry_after, hold_now=True)
        raise
    try:
        async with request.app[DB]() as session:
            found = await session.execute(select(Agent).where(Agent.username == username, Agent.active))
            agent = found.scalar_one_or_none()
    except BaseException:
        checks.free()
        raise
    ok = await checks.matches(agent.password_hash if agent else None, password)
    async with request.app[DB]() as session:
        audit(session, username, "login" if ok else "login_failed")
        await session.commit()
    if not ok or agent is None:
        raise LoginFailed("Wrong username or password.")
    await throttle.succeeded(username, request.remote)
    token, staff = await start_session(request.app[REDIS], request.app[KEYS], agent.username, agent.role,
                                       agent.display_name, settings.session_idle_seconds)
    response = web.json_response({"username": staff.username, "role": staff.role, "display_name": staff.display_name,
                                  "csrf": staff.csrf})
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=settings.secure_cookies)
    response.del_cookie(LOGIN_CSRF_COOKIE)
    return response


@routes.post("/api/logout")
async def logout(request: web.Request) -> web.Response:
    await end_session(request.app[REDIS], request.app[KEYS], request.cookies.get(SESSION_COOKIE))
    response = web.json_response({"logged_out": True})
    response.del_cookie(SESSION_COOKIE)
    return response


@routes.get("/api/me")
async def me(request: web.Request) -> web.Response:
    staff = request[STAFF]
    return web.json_response({"username": staff.username, "role": staff.role, "display_name": staff.display_name,
                              "csrf": staff.csrf})
