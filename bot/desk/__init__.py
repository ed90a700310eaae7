"""The handoff desk: queues by language and skill on Redis, atomic claims, business hours, hand-back."""
