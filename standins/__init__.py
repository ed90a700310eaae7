"""Loopback stand-ins for what this machine cannot reach: the Telegram Bot API and Twilio's REST
API (same wire format, reached through TELEGRAM_API_BASE / TWILIO_API_BASE), plus a phone
simulator page that plays the citizen's phone against the channel edge."""
