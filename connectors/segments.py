"""Re-export of minwon_core.segments for tests/actions only (connectors/__init__.py says why); delete with it."""
from minwon_core.segments import *  # noqa: F401,F403
from minwon_core.segments import count_segments, to_gsm7_if_possible  # noqa: F401
