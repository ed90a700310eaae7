"""What runs beside Rasa: the launcher, and (as they land) the handoff desk, console and notifier."""
