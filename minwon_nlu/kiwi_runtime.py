"""One Kiwi analyser per process: loading it takes ~1 s and ~0.3 GB, so never twice.

Without Kiwi's multi-word dictionary (proper-noun phrases from encyclopaedias): ~200 MB less per Rasa process
and half the load time, and not one of our 1,496 Korean training examples is tokenised differently
(checked when this was switched off; the NLU figures in the README were measured without it)."""
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

                _kiwi = Kiwi(load_multi_dict=False)
    return _kiwi
