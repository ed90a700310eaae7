"""Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by the sorted form fields."""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Iterable, Tuple


def twilio_signature(auth_token: str, url: str, form: Iterable[Tuple[str, str]]) -> str:
    payload = url + "".join(k + v for k, v in sorted(form))
    digest = hmac.new(auth_token.encode(), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()
