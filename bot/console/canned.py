"""Canned replies the agent can insert and edit, in Korean and English (the services' catalogue, canned_*)."""
from __future__ import annotations

from minwon_core.texts import N_, msg

_KEYS = {"greeting": N_("canned_greeting"), "checking": N_("canned_checking"), "verify": N_("canned_verify"),
         "payment_retry": N_("canned_payment_retry"), "handback": N_("canned_handback")}
CANNED = [{"id": reply, "ko": msg(key, "ko"), "en": msg(key, "en")} for reply, key in _KEYS.items()]
