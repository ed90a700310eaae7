"""The edge's Prometheus figures, on bot.metrics' registry (`GET /metrics`, HTTP latency by route pattern; keep it
off the public ingress). Names follow the old connectors' (minwon_rasa_channel_queue_*), now the edge's:

    minwon_edge_channel_queue_wait_seconds{channel}   a message waiting behind its conversation's earlier ones
    minwon_edge_channel_queue_pending{channel}        messages waiting in this instance's queues
    minwon_edge_rasa_turns_total{outcome}             replies | already_applied | unavailable | invalid
    minwon_edge_rasa_turn_seconds                     one call of the internal turn channel
"""
from __future__ import annotations

from aiohttp import web

from bot.metrics import attach_metrics, counter, gauge, histogram

WAIT_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
TURN_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3.0, 6.0, 15.0, 60.0)


class ChannelQueueMetrics:
    """edge.queues.QueueMetrics for one channel."""

    def __init__(self, edge: "EdgeMetrics", channel: str) -> None:
        self._pending = edge.pending.labels(channel)
        self._wait = edge.wait.labels(channel)

    def queued(self) -> None:
        self._pending.inc()

    def started(self, waited_s: float) -> None:
        self._pending.dec()
        self._wait.observe(waited_s)


class EdgeMetrics:
    def __init__(self, app: web.Application) -> None:
        attach_metrics(app, service="edge")
        self.wait = histogram(app, "minwon_edge_channel_queue_wait_seconds",
                              "Time a message waited behind its conversation's earlier ones.", ("channel",),
                              buckets=WAIT_BUCKETS)
        self.pending = gauge(app, "minwon_edge_channel_queue_pending", "Messages waiting in the per-conversation queues.",
                             ("channel",))
        self.turns = counter(app, "minwon_edge_rasa_turns", "Calls of Rasa's internal turn channel, by outcome.",
                             ("outcome",))
        self.turn_seconds = histogram(app, "minwon_edge_rasa_turn_seconds", "One call of Rasa's internal turn channel.",
                                      buckets=TURN_BUCKETS)

    def queue(self, channel: str) -> ChannelQueueMetrics:
        return ChannelQueueMetrics(self, channel)

    def turn(self, outcome: str, seconds: float) -> None:
        self.turns.labels(outcome).inc()
        self.turn_seconds.observe(seconds)
