"""Quiet hours: when a message may not go out, and the instant it may."""
from __future__ import annotations

import datetime as dt
import zoneinfo

from . import topics
from .settings import NotifierSettings, QuietHours, parse_quiet_hours


def quiet_hours_for(subscription_quiet: str | None, channel: str, settings: NotifierSettings) -> QuietHours | None:
    """The citizen's own window wins; without one, SMS keeps the default night window, chat apps none."""
    if subscription_quiet is not None:
        return parse_quiet_hours(subscription_quiet)
    return settings.sms_quiet_hours if channel == "sms" else None


def quiet_until(now: dt.datetime, window: QuietHours | None, timezone: str) -> dt.datetime | None:
    """None when `now` is outside the window, else the (aware) instant the window ends."""
    if window is None:
        return None
    tz = zoneinfo.ZoneInfo(timezone)
    local = now.astimezone(tz)
    t = local.time()
    if window.start < window.end:  # same-day window, e.g. 12:00-13:00
        inside = window.start <= t < window.end
        end_day = local.date()
    else:  # wraps midnight, e.g. 21:00-08:00
        inside = t >= window.start or t < window.end
        end_day = local.date() + dt.timedelta(days=1) if t >= window.start else local.date()
    if not inside:
        return None
    return dt.datetime.combine(end_day, window.end, tzinfo=tz).astimezone(dt.timezone.utc)


def follow_sends_now(topic: str, event_at: dt.datetime, followed_at: dt.datetime, settings: NotifierSettings) -> bool:
    """Whether a follow's message skips quiet hours. A receipt answers the citizen's own payment, made that very
    moment (a transfer at 22:30 is confirmed at 22:30), and a result within follow_live_s of the change reaches a
    citizen who is most likely still in the conversation. Later news (a complaint answered days on) waits for
    morning like any subscription's."""
    if topic == topics.PAYMENT_RECEIPT:
        return True
    return (event_at - followed_at).total_seconds() <= settings.follow_live_s
