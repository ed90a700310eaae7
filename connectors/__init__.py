"""minwon's Rasa input/output channels: Telegram, Twilio SMS and the web chat.

Every channel follows one path: authenticate the webhook, de-duplicate, acknowledge at once,
queue the message per conversation, let Rasa answer into a collector, then deliver the
collected reply in the channel's own format (connectors/formatting.py).
"""
