"""Prometheus metrics for the aiohttp services (govapi, console, notifier), attached with two lines:

    from bot.metrics import attach_metrics
    attach_metrics(app, service="govapi")      # in the app factory, before the app starts

It adds a middleware (request latency histogram by route template and status, requests in flight) and
`GET /metrics` (Prometheus text). Labels are route templates (`/v1/cases/{number}`), never the concrete
path, so no case number, phone or id ever becomes a label. The service's auth middleware must let
/metrics through (add it to the open paths) and the ingress must not expose it.
Queue waits and other domain figures: `counter()` / `histogram()` / `gauge()` return metrics on the same
registry; `on_scrape(app, refresh)` runs an async `refresh(app)` before each scrape, for figures read from
shared state (a queue length in Redis) rather than counted by this instance.
"""
from __future__ import annotations

import logging
import time
from typing import Awaitable, Callable, Sequence

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

log = logging.getLogger("minwon.metrics")
REGISTRY_KEY = web.AppKey("metrics_registry", CollectorRegistry)
Refresh = Callable[[web.Application], Awaitable[None]]
SCRAPE_HOOKS_KEY = web.AppKey("metrics_scrape_hooks", list)
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3.0, 6.0)


def attach_metrics(app: web.Application, service: str) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=True)
    latency = Histogram("minwon_http_request_seconds", "HTTP request latency.", ["service", "route", "method", "status"],
                        buckets=BUCKETS, registry=registry)
    in_flight = Gauge("minwon_http_requests_in_flight", "Requests being served.", ["service"], registry=registry)

    @web.middleware
    async def measure(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
        started = time.perf_counter()
        status = 500
        in_flight.labels(service).inc()
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as error:
            status = error.status
            raise
        finally:
            in_flight.labels(service).dec()
            info = request.match_info.route.resource
            route = info.canonical if info is not None else "unmatched"
            latency.labels(service, route, request.method, str(status)).observe(time.perf_counter() - started)

    async def metrics(request: web.Request) -> web.Response:
        for refresh in request.app[SCRAPE_HOOKS_KEY]:
            try:
                await refresh(request.app)
            except Exception as error:  # the other figures are still worth serving
                log.warning("a metrics refresh failed: %s", type(error).__name__)
        return web.Response(body=generate_latest(registry), content_type="text/plain", charset="utf-8")

    app.middlewares.insert(0, measure)  # outermost: the latency a client sees, errors included
    app.router.add_get("/metrics", metrics)
    app[REGISTRY_KEY] = registry
    app[SCRAPE_HOOKS_KEY] = []
    return registry


def on_scrape(app: web.Application, refresh: Refresh) -> None:
    app[SCRAPE_HOOKS_KEY].append(refresh)


def counter(app: web.Application, name: str, documentation: str, labels: tuple[str, ...] = ()) -> Counter:
    return Counter(name, documentation, list(labels), registry=app[REGISTRY_KEY])


def histogram(app: web.Application, name: str, documentation: str, labels: tuple[str, ...] = (),
              buckets: Sequence[float] = BUCKETS) -> Histogram:
    return Histogram(name, documentation, list(labels), buckets=tuple(buckets), registry=app[REGISTRY_KEY])


def gauge(app: web.Application, name: str, documentation: str, labels: tuple[str, ...] = ()) -> Gauge:
    return Gauge(name, documentation, list(labels), registry=app[REGISTRY_KEY])
