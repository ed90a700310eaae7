"""Re-export of minwon_core.sms_keywords for tests/actions only (connectors/__init__.py says why); delete with it."""
from minwon_core.sms_keywords import *  # noqa: F401,F403
from minwon_core.sms_keywords import keyword, text  # noqa: F401
