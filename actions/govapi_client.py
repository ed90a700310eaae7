"""The one client the actions use to talk to govapi.

Typed outcomes: every call returns `Ok(value)` or `Err(kind, code, detail)`; the action picks the reply,
govapi's English `message` is never shown. One aiohttp session per process (created lazily in the running
loop), timeouts on every call, retries only for GETs, an Idempotency-Key on every state change.
Logs name the route and the outcome, never phone numbers, tokens, codes or message text. Every request
carries the action call's X-Request-Id and X-Conversation-Ref (minwon_logs), so govapi logs the same ids.
"""
from __future__ import annotations

import asyncio
import enum
import hashlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Generic, Optional, TypeVar, Union

import aiohttp

import minwon_logs
from actions.metrics import GOVAPI_SECONDS
from actions.settings import ActionSettings, load_settings

logger = logging.getLogger(__name__)

T = TypeVar("T")


class ErrKind(enum.Enum):
    UNAVAILABLE = "unavailable"      # down, slow or 5xx: the request may be kept and retried later
    NOT_FOUND = "not_found"
    INVALID = "invalid"              # 400 with a code the action explains (wrong_code, invalid_date, ...)
    CONFLICT = "conflict"            # 409 (fine_not_payable, idempotency_conflict)
    GONE = "gone"                    # 410 expired
    LOCKED = "locked"                # 423 too many wrong codes
    RATE_LIMITED = "rate_limited"    # 429
    UNAUTHORIZED = "unauthorized"    # 401/403: the citizen token expired


@dataclass(frozen=True)
class Ok(Generic[T]):
    value: T
    status: int = 200

    ok = True


@dataclass(frozen=True)
class Err:
    kind: ErrKind
    code: str
    detail: Dict[str, Any] = field(default_factory=dict)

    ok = False


Result = Union[Ok[Any], Err]

_STATUS_KINDS = {400: ErrKind.INVALID, 401: ErrKind.UNAUTHORIZED, 403: ErrKind.UNAUTHORIZED,
                 404: ErrKind.NOT_FOUND, 409: ErrKind.CONFLICT, 410: ErrKind.GONE,
                 422: ErrKind.INVALID, 423: ErrKind.LOCKED, 429: ErrKind.RATE_LIMITED}


def idempotency_key(conversation_id: str, kind: str, turn_id: str) -> str:
    """Same conversation + same kind of change + same turn -> same key, so a retried turn changes nothing twice."""
    digest = hashlib.sha256(f"{conversation_id}|{kind}|{turn_id}".encode()).hexdigest()
    return f"minwon-{kind}-{digest[:40]}"


class GovApiClient:
    def __init__(self, settings: Optional[ActionSettings] = None) -> None:
        self.settings = settings or load_settings()
        self._session: Optional[aiohttp.ClientSession] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def _get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        # A session belongs to one loop; tests run several loops in one process.
        if self._session is None or self._session.closed or self._loop is not loop:
            timeout = aiohttp.ClientTimeout(total=self.settings.govapi_timeout_s,
                                            sock_connect=self.settings.govapi_connect_timeout_s)
            self._session = aiohttp.ClientSession(
                timeout=timeout,
                headers={"Authorization": f"Bearer {self.settings.govapi_service_token}"},
            )
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def _request(self, method: str, route: str, path: str, **kwargs: Any) -> Result:
        """One govapi call (with its retries), timed for the action server's metrics."""
        started = time.perf_counter()
        result = await self._send(method, route, path, **kwargs)
        outcome = "ok" if result.ok else result.kind.value  # type: ignore[union-attr]
        GOVAPI_SECONDS.labels(route, outcome).observe(time.perf_counter() - started)
        return result

    async def _send(self, method: str, route: str, path: str, *, token: Optional[str] = None,
                    json: Any = None, params: Optional[Dict[str, str]] = None,
                    idem_key: Optional[str] = None, data: Optional[bytes] = None,
                    content_type: Optional[str] = None) -> Result:
        # X-Request-Id and X-Conversation-Ref (the keyed hash, never the conversation id) of the action call,
        # so govapi's lines of this call can be found next to the action server's.
        headers: Dict[str, str] = minwon_logs.outgoing_headers()
        if token:
            headers["X-Citizen-Token"] = token
        if idem_key:
            headers["Idempotency-Key"] = idem_key
        if content_type:
            headers["Content-Type"] = content_type
        attempts = 1 + (self.settings.govapi_get_retries if method == "GET" else 0)
        url = self.settings.govapi_url + path
        last: Err = Err(ErrKind.UNAVAILABLE, "unavailable")
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(0.15 * attempt)
            try:
                async with self._get_session().request(method, url, json=json, params=params,
                                                       data=data, headers=headers) as resp:
                    if resp.status >= 500:
                        last = Err(ErrKind.UNAVAILABLE, f"http_{resp.status}")
                        logger.warning("govapi %s %s answered %s (attempt %d)", method, route, resp.status, attempt + 1)
                        continue
                    try:
                        body = await resp.json(content_type=None)
                    except (ValueError, aiohttp.ContentTypeError):
                        body = {}
                    if resp.status < 300:
                        return Ok(body, resp.status)
                    kind = _STATUS_KINDS.get(resp.status, ErrKind.INVALID)
                    code = body.get("code", f"http_{resp.status}") if isinstance(body, dict) else f"http_{resp.status}"
                    logger.info("govapi %s %s answered %s %s", method, route, resp.status, code)
                    return Err(kind, code, body if isinstance(body, dict) else {})
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                last = Err(ErrKind.UNAVAILABLE, "unreachable")
                logger.warning("govapi %s %s failed: %s (attempt %d)", method, route, type(exc).__name__, attempt + 1)
        return last

    # --- verification -----------------------------------------------------------------------------------
    async def start_verification(self, phone: str, birth_date: str, conversation_id: str) -> Result:
        return await self._request("POST", "verifications", "/v1/verifications",
                                   json={"phone": phone, "birth_date": birth_date,
                                         "conversation_id": conversation_id})

    async def verify_code(self, verification_id: str, code: str) -> Result:
        return await self._request("POST", "verifications/verify", f"/v1/verifications/{verification_id}/verify",
                                   json={"code": code})

    async def resend_code(self, verification_id: str) -> Result:
        return await self._request("POST", "verifications/resend", f"/v1/verifications/{verification_id}/resend")

    # --- citizen ------------------------------------------------------------------------------------------
    async def household(self, token: str) -> Result:
        return await self._request("GET", "me/household", "/v1/me/household", token=token)

    async def my_applications(self, token: str) -> Result:
        return await self._request("GET", "me/applications", "/v1/me/applications", token=token)

    async def case(self, token: str, number: str) -> Result:
        return await self._request("GET", "cases", f"/v1/cases/{number}", token=token)

    # --- fines and payments ---------------------------------------------------------------------------------
    async def fines(self, token: str, status: str = "unpaid") -> Result:
        return await self._request("GET", "me/fines", "/v1/me/fines", token=token, params={"status": status})

    async def create_payment(self, token: str, fine_ids: list, method: str, idem_key: str) -> Result:
        return await self._request("POST", "payments", "/v1/payments", token=token, idem_key=idem_key,
                                   json={"fine_ids": fine_ids, "method": method})

    async def payment(self, token: str, payment_id: str) -> Result:
        return await self._request("GET", "payments/id", f"/v1/payments/{payment_id}", token=token)

    async def my_payments(self, token: str) -> Result:
        return await self._request("GET", "me/payments", "/v1/me/payments", token=token)

    # --- address change -------------------------------------------------------------------------------------
    async def search_addresses(self, query: str, limit: int = 5) -> Result:
        return await self._request("GET", "addresses", "/v1/addresses", params={"q": query, "limit": str(limit)})

    async def create_address_change(self, token: str, address_id: str, effective_date: str,
                                    member_ids: list, idem_key: str) -> Result:
        return await self._request("POST", "address-changes", "/v1/address-changes", token=token, idem_key=idem_key,
                                   json={"address_id": address_id, "effective_date": effective_date,
                                         "member_ids": member_ids})

    # --- complaints -------------------------------------------------------------------------------------------
    async def complaint_categories(self) -> Result:
        return await self._request("GET", "complaints/categories", "/v1/complaints/categories")

    async def upload_photo(self, token: str, data: bytes, content_type: str, idem_key: str) -> Result:
        return await self._request("POST", "uploads", "/v1/uploads", token=token, data=data,
                                   content_type=content_type, idem_key=idem_key)

    async def create_complaint(self, token: str, category: str, text: str, place: dict,
                               photo_id: Optional[str], idem_key: str) -> Result:
        return await self._request("POST", "complaints", "/v1/complaints", token=token, idem_key=idem_key,
                                   json={"category": category, "text": text, "place": place, "photo_id": photo_id})


_client: Optional[GovApiClient] = None


def get_client() -> GovApiClient:
    """The process-wide client (one connection pool per action server process)."""
    global _client
    if _client is None:
        _client = GovApiClient()
    return _client


def reset_client(client: Optional[GovApiClient] = None) -> None:
    """Tests point the actions at their own govapi by installing a client built from test settings."""
    global _client
    _client = client
