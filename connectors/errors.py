"""Errors of the channel connectors, with messages fit to show an operator."""


class ConnectorError(Exception):
    """Base of every error raised by connectors/."""


class SettingsError(ConnectorError):
    """A configuration key is missing or invalid; the message names the key."""


class DeliveryError(ConnectorError):
    """A reply could not be handed to the channel's API (after retries)."""


class RecipientBlocked(DeliveryError):
    """The recipient blocked the bot or opted out; nothing more may be sent."""
