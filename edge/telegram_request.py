"""python-telegram-bot's transport on aiohttp, the HTTP client the rest of the edge uses, instead of PTB's default
httpx one. PTB keeps everything else (typed objects, the request body, the Bot API's errors): only `do_request`,
the bytes on the wire, is ours.

Measured reason (the brief asks for one before hand-writing a piece): `bench/telegram_client.py` sends the same
sendMessage with a keyboard to a loopback Bot API through both transports in one run. httpx 0.28 with httpcore 1.0
spent about 3 ms of CPU per send (httpcore tries to import sniffio on every request, and the lock does not install
it; about 2 ms with it), aiohttp about 0.3 ms: the Telegram send was the largest part of the edge's CPU per turn.
The README's benchmark section has the figures of the last run.

Timeouts map onto aiohttp's: connect covers waiting for a pooled connection (pool_timeout) and opening one
(connect_timeout); read is the socket read timeout. aiohttp has no write timeout; a stalled upload is cut by the
read timeout of the answer that never comes.
"""
from __future__ import annotations

import asyncio
from typing import Optional

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

USER_AGENT = BaseRequest.USER_AGENT


class AiohttpRequest(BaseRequest):
    """One aiohttp ClientSession with a bounded connection pool, made on first use (inside the running loop)."""

    def __init__(self, *, connection_pool_size: int = 64, read_timeout: float = 30.0, connect_timeout: float = 5.0,
                 pool_timeout: float = 5.0) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: Optional[aiohttp.ClientSession] = None

    @property
    def read_timeout(self) -> Optional[float]:
        return self._read_timeout

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size), headers={"User-Agent": USER_AGENT})
        return self._session

    async def initialize(self) -> None:
        self._open()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: Optional[RequestData] = None,
                         read_timeout: object = BaseRequest.DEFAULT_NONE,
                         write_timeout: object = BaseRequest.DEFAULT_NONE,
                         connect_timeout: object = BaseRequest.DEFAULT_NONE,
                         pool_timeout: object = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        read = self._given(read_timeout, self._read_timeout)
        connect = self._given(connect_timeout, self._connect_timeout)
        pool = self._given(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(total=None, sock_read=read, sock_connect=connect,
                                        connect=None if connect is None or pool is None else connect + pool)
        body: Optional[aiohttp.FormData | dict[str, str]] = None
        if request_data is not None:
            files = request_data.multipart_data
            if files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, part in files.items():
                    filename, content, mimetype = part[0], part[1], part[2] if len(part) > 2 else None
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                body = form
            else:
                body = request_data.json_parameters  # sent form-encoded, as PTB's httpx transport does
        try:
            async with self._open().request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:  # the class only: the message can hold the URL, and so the token
            raise NetworkError(f"aiohttp.{type(error).__name__}") from error

    @staticmethod
    def _given(value: object, default: float) -> Optional[float]:
        if isinstance(value, type(BaseRequest.DEFAULT_NONE)):
            return default
        return value if value is None else float(value)  # type: ignore[arg-type]
