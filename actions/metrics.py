"""Prometheus metrics of the action server, served at GET /metrics (actions/server.py).

- `minwon_actions_seconds{action,status}` (histogram): one action call, from request to answer;
- `minwon_actions_govapi_seconds{route,outcome}` (histogram): one govapi call as the actions see it (retries,
  timeouts and the network included), `route` the client's route name (e.g. `cases`, `payments`), `outcome`
  `ok` or the error kind (`unavailable`, `not_found`, ...).
Labels are action and route names and outcomes: never a conversation id, number or text.
"""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)

ACTION_SECONDS = Histogram("minwon_actions_seconds", "Action calls, from request to answer.", ["action", "status"],
                           buckets=BUCKETS, registry=REGISTRY)
GOVAPI_SECONDS = Histogram("minwon_actions_govapi_seconds", "govapi calls made by the actions, retries included.",
                           ["route", "outcome"], buckets=BUCKETS, registry=REGISTRY)


def page() -> bytes:
    return generate_latest(REGISTRY)
