"""The time limit a query may run under: checked once, enforced by :mod:`cspo_graph.runtime.workers`.

A query runs in a worker process that is killed when its time is up (a thread could
not be stopped: it would go on burning CPU after the caller gave up).
"""

from __future__ import annotations

import math

from cspo_graph.errors import UsageError


def check_timeout(seconds: float | None) -> float | None:
    """``seconds`` if it is a usable time limit (``None`` for none), else a :class:`UsageError`."""
    if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
        raise UsageError(f"--timeout must be a positive number of seconds (or 0 for no limit), not {seconds!r}")
    return seconds
