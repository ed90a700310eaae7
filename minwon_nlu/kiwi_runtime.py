"""One Kiwi analyser per process: loading it takes ~1.3 s and ~0.5 GB, so never twice."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:  # pragma: no cover
    from kiwipiepy import Kiwi

_lock = threading.Lock()
_kiwi: Optional["Kiwi"] = None


def get_kiwi() -> "Kiwi":
    """Return the process-wide Kiwi instance, loading it on first use."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                _kiwi = Kiwi()
    return _kiwi
