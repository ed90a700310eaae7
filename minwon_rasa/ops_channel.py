"""Health, readiness and Prometheus metrics of a Rasa server, mounted as an input channel.

Rasa mounts each channel of credentials.yml under /webhooks/<name>/, so listing this class there adds the
routes without touching Rasa or another part's code (a channel is Rasa's only supported way to add routes):

    credentials.yml:
        minwon_rasa.ops_channel.OpsChannel:

    GET /webhooks/ops/live     200 while the process serves HTTP
    GET /webhooks/ops/ready    200 {"ready": true} or 503 {"ready": false, "failed": [...]}: model loaded,
                               tracker store is the guarded SQL store AND answers, lock store answers
    GET /webhooks/ops/metrics  Prometheus text format (minwon_rasa.metrics)

The load balancer and Kubernetes take an instance out of rotation while /ready fails. None of these
routes may be exposed by the ingress (only /webhooks/telegram|twilio|webchat are).
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, List

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from minwon_rasa import metrics
from minwon_rasa.tracker_guard import GuardedSQLTrackerStore

PING_TIMEOUT_S = 2.0


async def readiness_failures(agent: Any) -> List[str]:
    """What keeps this instance from serving citizens (empty when ready). Names only, no details."""
    failed: List[str] = []
    if agent is None or not agent.is_ready():
        return ["model"]
    store = agent.tracker_store
    if not isinstance(store, GuardedSQLTrackerStore):
        # e.g. the configured module failed to import and Rasa fell back to memory
        failed.append("tracker_store_not_guarded")
    elif not await store.ping():
        failed.append("tracker_store")
    lock_store = agent.lock_store
    client_for_loop = getattr(lock_store, "_client", None)
    if client_for_loop is None:
        failed.append("lock_store_not_shared")
    else:
        try:
            await asyncio.wait_for(client_for_loop().ping(), PING_TIMEOUT_S)
        except Exception:
            failed.append("lock_store")
    return failed


class OpsChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "ops"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        ops = Blueprint("minwon_ops", __name__)

        @ops.route("/live", methods=["GET"])
        async def live(_: Request) -> response.HTTPResponse:
            return response.json({"live": True})

        @ops.route("/ready", methods=["GET"])
        async def ready(request: Request) -> response.HTTPResponse:
            failed = await readiness_failures(getattr(request.app.ctx, "agent", None))
            if failed:
                return response.json({"ready": False, "failed": failed}, status=503)
            return response.json({"ready": True})

        @ops.route("/metrics", methods=["GET"])
        async def prometheus(_: Request) -> response.HTTPResponse:
            return response.raw(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")

        return ops
