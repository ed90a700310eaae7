"""What the work in hand is about: the request id and the conversation reference, kept in contextvars.

A conversation reference is `<channel>:<12 hex>`, the first 12 hex digits of HMAC-SHA256(MINWON_LOG_SALT,
conversation id), with the channel prefix kept when it is a short word (`tg`, `sms`, `web`). The same id
gives the same reference in every process that shares the salt, so one conversation can be followed across
services, and no phone number or chat id is ever written.
"""
from __future__ import annotations

import contextvars
import hashlib
import hmac
import os
import re
import uuid
from typing import Any, Dict, List, Optional, Tuple

REQUEST_ID_HEADER = "X-Request-Id"
CONVERSATION_HEADER = "X-Conversation-Ref"
SALT_KEY = "MINWON_LOG_SALT"
DEV_SALT = "dev-log-salt"  # development only: config refuses it in production

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_REF = re.compile(r"^[a-z]{1,8}:[0-9a-f]{12}$")
_CHANNEL = re.compile(r"^[a-z]{1,8}$")  # letters only: a prefix with digits could be part of a number

request_id_var: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("minwon_request_id", default=None)
conversation_var: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("minwon_conversation", default=None)

_salt: Optional[str] = None  # set by config.setup(); else read from the environment when needed


def use_salt(salt: Optional[str]) -> None:
    global _salt
    _salt = salt


def _current_salt() -> str:
    return _salt or os.environ.get(SALT_KEY) or DEV_SALT


def conversation_ref(conversation_id: str, salt: Optional[str] = None) -> str:
    """`sms:+821012345678` -> `sms:5c1e0f9a2b7d`: stable per id and salt, and not reversible without the salt."""
    prefix, sep, _ = conversation_id.partition(":")
    channel = prefix if sep and _CHANNEL.fullmatch(prefix) else "conv"
    key = (salt or _current_salt()).encode()
    return f"{channel}:{hmac.new(key, conversation_id.encode(), hashlib.sha256).hexdigest()[:12]}"


def valid_request_id(value: Optional[str]) -> bool:
    return bool(value) and _REQUEST_ID.fullmatch(value) is not None


def valid_conversation_ref(value: Optional[str]) -> bool:
    """Only the hashed form is accepted from a caller: a raw id in the header is dropped, never logged."""
    return bool(value) and _REF.fullmatch(value) is not None


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> Optional[str]:
    return request_id_var.get()


def current_conversation() -> Optional[str]:
    """The reference (hashed) of the conversation in hand, if any."""
    return conversation_var.get()


_KEEP: Any = object()


class Binding:
    """What `bind` set; `unbind(binding)` (or leaving its `with` block) puts the previous values back."""

    def __init__(self, tokens: List[Tuple[contextvars.ContextVar, contextvars.Token]]) -> None:
        self._tokens = tokens

    def reset(self) -> None:
        for var, token in reversed(self._tokens):
            var.reset(token)
        self._tokens = []

    def __enter__(self) -> "Binding":
        return self

    def __exit__(self, *_: object) -> None:
        self.reset()


def bind(*, request_id: Optional[str] = _KEEP, conversation_id: Optional[str] = _KEEP,
         conversation: Optional[str] = _KEEP) -> Binding:
    """Set the request id and/or the conversation (a raw id, hashed here, or an already hashed reference).
    Arguments left out keep their current value; None clears."""
    tokens: List[Tuple[contextvars.ContextVar, contextvars.Token]] = []
    if request_id is not _KEEP:
        tokens.append((request_id_var, request_id_var.set(request_id)))
    if conversation_id is not _KEEP:
        ref = conversation_ref(conversation_id) if conversation_id else None
        tokens.append((conversation_var, conversation_var.set(ref)))
    elif conversation is not _KEEP:
        ref = conversation if valid_conversation_ref(conversation) else None
        tokens.append((conversation_var, conversation_var.set(ref)))
    return Binding(tokens)


def unbind(binding: Binding) -> None:
    binding.reset()


def outgoing_headers() -> Dict[str, str]:
    """Headers that carry the current context to another minwon service (never the raw conversation id)."""
    headers: Dict[str, str] = {}
    request_id = request_id_var.get()
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id
    ref = conversation_var.get()
    if ref:
        headers[CONVERSATION_HEADER] = ref
    return headers
