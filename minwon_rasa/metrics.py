"""Prometheus metrics of the Rasa server (one registry per process; Rasa runs one Sanic worker).

Filled by minwon_rasa.tracker_guard (turns, intents, fallbacks, handoffs, tracker-store failures) and by a
logging handler on the internal turn channel's logger (its warnings and errors). Served by minwon_rasa.ops_channel at
/webhooks/ops/metrics. Labels are bounded sets (intent names of the model, channel names, error kinds):
never a conversation id, phone number or text.
"""
from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

TURN_SECONDS = Histogram(
    "minwon_rasa_turn_seconds",
    "Time from a citizen message reaching Rasa to the end of its turn (NLU, actions, tracker save).",
    ["channel"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
TURNS = Counter("minwon_rasa_turns_total", "Turns by outcome.", ["channel", "outcome"], registry=REGISTRY)
INTENTS = Counter("minwon_rasa_intents_total", "Recognised intents of citizen messages.", ["intent"], registry=REGISTRY)
FALLBACKS = Counter("minwon_rasa_fallbacks_total", "Fallbacks (low NLU confidence or no prediction).", ["kind"],
                    registry=REGISTRY)
HANDOFFS = Counter("minwon_rasa_handoffs_total", "Conversations paused for a person.", registry=REGISTRY)
CHANNEL_ERRORS = Counter("minwon_rasa_channel_errors_total", "Warnings and errors logged by the internal turn channel.",
                         ["channel", "level"], registry=REGISTRY)
CHANNEL_QUEUE_WAIT = Histogram(
    "minwon_rasa_channel_queue_wait_seconds",
    "Time a message waits behind its conversation's earlier ones before its turn starts.",
    ["channel"], buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60), registry=REGISTRY,
)
CHANNEL_QUEUE_PENDING = Gauge("minwon_rasa_channel_queue_pending", "Messages waiting in the per-conversation queues.",
                              ["channel"], registry=REGISTRY)
TRACKER_STORE_ERRORS = Counter("minwon_rasa_tracker_store_errors_total", "Failed tracker store operations.",
                               ["operation"], registry=REGISTRY)
TRACKER_STORE_UP = Gauge("minwon_rasa_tracker_store_up", "1 while the last tracker store operation succeeded.",
                         registry=REGISTRY)
TRACKER_STORE_UP.set(1)


def exposition() -> bytes:
    return generate_latest(REGISTRY)


CHANNEL_LOGGER = "minwon_rasa.internal_channel"


class ChannelErrorCounter(logging.Handler):
    """Counts WARNING+ records of the internal turn channel's logger, never storing the message. The public channels
    are the edge's now (its own metrics: edge/metrics.py); Rasa has this one channel."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        CHANNEL_ERRORS.labels(channel="internal", level=record.levelname.lower()).inc()


_handler_installed = False


def count_channel_errors() -> None:
    """Attach the counter to the internal channel's logger once per process."""
    global _handler_installed
    if not _handler_installed:
        logging.getLogger(CHANNEL_LOGGER).addHandler(ChannelErrorCounter())
        _handler_installed = True
