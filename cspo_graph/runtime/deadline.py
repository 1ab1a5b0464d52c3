"""Running work under a time limit that really stops it.

The work runs in a forked child process (which shares the parent's loaded data
copy-on-write); the parent waits for the answer up to the deadline and kills the
child when it passes. A thread could not be stopped this way: it would go on
burning CPU after the caller gave up.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from cspo_graph.errors import CspoError, QueryTimeout, UsageError

T = TypeVar("T")


def check_timeout(seconds: float | None) -> float | None:
    """``seconds`` if it is a usable time limit (``None`` for none), else a :class:`UsageError`."""
    if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
        raise UsageError(f"--timeout must be a positive number of seconds, not {seconds!r}")
    return seconds


def _child(work: Callable[[], Any], sender: Any) -> None:
    """In the child: run ``work`` and send back ``("ok", value)`` or ``("error", exception)``."""
    try:
        outcome: tuple[str, Any] = ("ok", work())
    except BaseException as exc:  # every failure goes back to the parent, which re-raises it
        outcome = ("error", exc)
    try:
        sender.send(outcome)
    except Exception as exc:  # the value or the exception could not be pickled
        sender.send(("error", CspoError(f"unexpected {type(exc).__name__}: {exc}")))
    finally:
        sender.close()


def call_with_deadline(work: Callable[[], T], seconds: float | None, *, what: str = "<query>") -> T:
    """Return ``work()``, run in a child process that is killed after ``seconds``.

    With ``seconds=None`` the work runs here, without a limit. On timeout
    :class:`QueryTimeout` is raised and no process is left behind.
    """
    if check_timeout(seconds) is None:
        return work()
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise QueryTimeout(f"{what}: the query ran past its time limit of {seconds:g} s and was stopped")
        try:
            status, value = receiver.recv()
        except EOFError:
            child.join()
            raise CspoError(f"{what}: the query process died (exit code {child.exitcode})") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if status == "error":
        raise value
    return value
