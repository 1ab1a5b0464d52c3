"""A pool of worker processes that evaluate queries: network-isolated, each stopped at its deadline.

The pool forks one *zygote* when it is made: a single-threaded copy of the caller taken
right after the data is loaded, so every worker it forks later shares that data
copy-on-write, however many threads the caller (a server) has started since. A query
goes to an idle worker over a pipe; the caller waits for the answer up to the deadline
and, when it passes, kills the worker (nothing keeps running) and forgets it; the next
query that finds no idle worker has the zygote fork a new one, up to ``max_workers``
running at once.

Before it evaluates anything, a worker takes the network away from itself
(:func:`cspo_graph.runtime.sandbox.isolate`), unless the query may reach the network
(``network=True``, for ``--allow-service``): such workers are kept apart and never
serve a query that may not.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from cspo_graph.errors import CspoError, QueryTimeout
from cspo_graph.runtime.deadline import check_timeout

_PR_SET_PDEATHSIG = 1
Handler = Callable[[Any], Any]
"""What a worker runs for each payload (its answer, or the exception it raises, goes back)."""
Warm = Callable[[], None]
"""What a new worker does before its first payload (open a store, import a parser)."""


class WorkerDied(CspoError):
    """A worker process ended without answering (killed by a signal, or out of memory)."""


def _died(what: str, status: int | None) -> WorkerDied:
    """The one line that says how a worker ended without an answer."""
    if status is not None and os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        hint = " (the query is probably nested too deeply or too large)" if name in ("SIGSEGV", "SIGBUS") else ""
        return WorkerDied(f"{what}: the query process was ended by signal {name}{hint}")
    code = os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else "unknown"
    return WorkerDied(f"{what}: the query process ended without an answer (exit code {code})")


def _die_with_parent() -> None:
    """Have the kernel kill this process when the one that forked it ends (nothing outlives the caller)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the parent ended before the request took effect
        os._exit(1)


def _serve(connection: Connection, handler: Handler, network: bool, warm: Warm | None) -> None:
    """A worker's life: take the network away, warm up, then answer one payload after another until EOF."""
    _die_with_parent()
    failure: BaseException | None = None
    if not network:
        from cspo_graph.runtime.sandbox import isolate

        try:
            isolate()
        except OSError as exc:
            failure = CspoError(str(exc))
    if failure is None and warm is not None:
        try:
            warm()
        except BaseException as exc:  # reported with the first query
            failure = exc
    while True:
        try:
            payload = connection.recv()
        except (EOFError, OSError):
            return
        if failure is not None:
            outcome: tuple[str, Any] = ("error", failure)
        else:
            try:
                outcome = ("ok", handler(payload))
            except BaseException as exc:  # every failure goes back to the caller, which raises it
                outcome = ("error", exc)
        try:
            connection.send(outcome)
        except Exception as exc:  # the value or the exception could not be pickled
            connection.send(("error", CspoError(f"the answer could not be sent back ({type(exc).__name__}: {exc})")))


def _close_all_but(kept: int) -> None:
    """Close every inherited file but the standard streams and ``kept``: another pool's pipes among them,
    whose ends must close when their owner closes them, and the caller's listening sockets."""
    import resource

    highest = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    os.closerange(3, kept)
    os.closerange(kept + 1, highest if highest != resource.RLIM_INFINITY else 1 << 20)


def _zygote(control: socket.socket, handler: Handler, warm: Warm | None) -> None:
    """The zygote's loop: fork a worker on request (its end of a new pipe goes to the caller), reap on request."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the caller's to handle
    while True:
        try:
            request = control.recv(64)
        except OSError:
            request = b""
        if not request:
            os._exit(0)
        command, _, argument = request.decode("ascii").partition(" ")
        if command == "fork":
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:
                control.close()
                ours.close()
                _serve(Connection(theirs.detach()), handler, argument == "network", warm)
                os._exit(0)
            theirs.close()
            socket.send_fds(control, [str(pid).encode("ascii")], [ours.fileno()])
            ours.close()
        elif command == "wait":
            try:
                _, status = os.waitpid(int(argument), 0)
            except ChildProcessError:
                status = -1
            control.sendall(str(status).encode("ascii"))


_LONGEST_WAIT = 24 * 3600.0
"""The longest single wait (the system's timers overflow past about 24 days)."""


def _answered(connection: Connection, seconds: float | None) -> bool:
    """Whether an answer arrives within ``seconds`` (``None``: wait for it however long it takes)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    while True:
        left = _LONGEST_WAIT if deadline is None else min(_LONGEST_WAIT, deadline - time.monotonic())
        if left <= 0:
            return False
        if connection.poll(left):
            return True


async def _answered_async(connection: Connection, seconds: float | None) -> bool:
    """:func:`_answered`, awaited on the running event loop."""
    import asyncio

    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[bool] = loop.create_future()

    def settle(answered: bool) -> None:
        if not outcome.done():
            outcome.set_result(answered)

    fd = connection.fileno()
    loop.add_reader(fd, settle, True)
    timer = None if seconds is None else loop.call_later(seconds, settle, False)
    try:
        return await outcome  # a cancelled task raises here, and its caller kills the worker
    finally:
        if timer is not None:
            timer.cancel()
        loop.remove_reader(fd)
        os.set_blocking(fd, True)  # uvloop made it non-blocking: a large answer would be read in part


def _unwrapped(status: str, value: Any) -> Any:
    """The answer, or the exception the worker sent raised (its worker is kept: it answered)."""
    if status == "error":
        raise value
    return value


def _late(what: str, seconds: float | None) -> QueryTimeout:
    return QueryTimeout(f"{what}: the query ran past its time limit of {seconds:g} s and was stopped")


@dataclass(eq=False)
class _Worker:
    pid: int
    connection: Connection
    network: bool


class WorkerPool:
    """Worker processes that run ``handler(payload)`` under a time limit, with no network by default."""

    def __init__(
        self, handler: Handler, *, max_workers: int = 1, preload: Warm | None = None, warm: Warm | None = None
    ) -> None:
        """``preload`` runs once in the zygote (what every worker inherits: imports, caches),
        ``warm`` in each worker as it starts (what cannot be inherited: an open database)."""
        self.max_workers = max(1, max_workers)
        self._idle: list[_Worker] = []
        self._alive: dict[int, _Worker] = {}
        self._labelled: dict[str, _Worker] = {}
        self._starting = 0
        self._lock = threading.Condition()
        self._zygote_lock = threading.Lock()
        self._control, theirs = socket.socketpair()
        zygote = os.fork()
        if zygote == 0:  # the zygote never returns from here
            try:
                _close_all_but(theirs.fileno())
                if preload is not None:
                    with contextlib.suppress(Exception):  # a worker meets the same failure and reports it
                        preload()
                _zygote(theirs, handler, warm)
            finally:
                os._exit(0)
        theirs.close()
        self._finalizer = weakref.finalize(self, _shut, self._control, zygote, self._alive)

    def run(
        self, payload: Any, *, timeout: float | None, network: bool = False, what: str = "<query>", label: str = ""
    ) -> Any:
        """``handler(payload)`` in a worker; :class:`QueryTimeout` when ``timeout`` seconds pass first.

        A ``label`` names the run for :meth:`cancel`."""
        seconds = check_timeout(timeout)
        worker = self._acquire(network)
        with self._using(worker, label):
            worker.connection.send(payload)
            if not _answered(worker.connection, seconds):
                raise _late(what, seconds)
            status, value = self._outcome(worker, what)
        return _unwrapped(status, value)

    async def run_async(
        self, payload: Any, *, timeout: float | None, network: bool = False, what: str = "<query>", label: str = ""
    ) -> Any:
        """:meth:`run` for an event loop: the loop itself waits on the worker's pipe (no thread is held,
        none handed over to), and a cancelled task kills its worker as a timeout does."""
        import asyncio

        seconds = check_timeout(timeout)
        worker = self._take_idle(network)
        if worker is None:  # wait for one, or fork one, in a thread
            worker = await asyncio.to_thread(self._acquire, network)
        with self._using(worker, label):
            worker.connection.send(payload)
            if not await _answered_async(worker.connection, seconds):
                raise _late(what, seconds)
            status, value = self._outcome(worker, what)
        return _unwrapped(status, value)

    @contextlib.contextmanager
    def _using(self, worker: _Worker, label: str) -> Iterator[None]:
        """A run on ``worker``: named by ``label`` meanwhile; after a timeout, a death or an
        interrupt the worker is killed and never used again, else it goes back to the idle ones."""
        if label:
            with self._lock:
                self._labelled[label] = worker
        try:
            yield
        except BaseException:
            self._forget(label)
            self._discard(worker)
            self._release(None)
            raise
        self._forget(label)
        self._release(worker)

    def _outcome(self, worker: _Worker, what: str) -> tuple[str, Any]:
        """What the worker sent: ``("ok", answer)`` or ``("error", exception)``."""
        try:
            outcome: tuple[str, Any] = worker.connection.recv()
        except (EOFError, OSError):
            raise _died(what, self._discard(worker)) from None
        return outcome

    def cancel(self, label: str) -> bool:
        """Kill the worker running the run named ``label`` (its :meth:`run` raises); false if none runs."""
        with self._lock:
            worker = self._labelled.get(label)
        if worker is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        return True

    def _forget(self, label: str) -> None:
        if label:
            with self._lock:
                self._labelled.pop(label, None)

    def _take_idle(self, network: bool) -> _Worker | None:
        """An idle worker of the right kind, if one is waiting (none: :meth:`_acquire` waits or forks)."""
        with self._lock:
            match = next((w for w in reversed(self._idle) if w.network == network), None)
            if match is None:
                return None
            self._idle.remove(match)
        self._keep_a_spare(network)
        return match

    def _acquire(self, network: bool) -> _Worker:
        """An idle worker of the right kind, or a new one once fewer than ``max_workers`` are alive."""
        surplus = None
        with self._lock:
            while True:
                match = next((w for w in reversed(self._idle) if w.network == network), None)
                if match is not None:
                    self._idle.remove(match)
                    break
                if len(self._alive) + self._starting < self.max_workers or self._idle:
                    if len(self._alive) + self._starting >= self.max_workers:
                        surplus = self._idle.pop()  # an idle worker of the other kind makes room
                    self._starting += 1
                    break
                self._lock.wait()
        if match is None:
            try:
                if surplus is not None:
                    self._discard(surplus)
                match = self._fork(network)
            finally:
                with self._lock:
                    self._starting -= 1
            with self._lock:
                self._alive[match.pid] = match
        self._keep_a_spare(network)
        return match

    def _keep_a_spare(self, network: bool) -> None:
        """Fork a warm idle worker in the background, while there is room, so that the next query need not wait."""
        with self._lock:
            spare = any(w.network == network for w in self._idle)
            if spare or len(self._alive) + self._starting >= self.max_workers:
                return
            self._starting += 1

        def fork() -> None:
            try:
                worker = self._fork(network)
            except (OSError, CspoError):
                return
            finally:
                with self._lock:
                    self._starting -= 1
            with self._lock:
                self._alive[worker.pid] = worker
                self._idle.append(worker)
                self._lock.notify()

        threading.Thread(target=fork, name="spare worker", daemon=True).start()

    def _release(self, worker: _Worker | None) -> None:
        with self._lock:
            if worker is not None:
                self._idle.append(worker)
            self._lock.notify()

    def _fork(self, network: bool) -> _Worker:
        with self._zygote_lock:  # one conversation with the zygote at a time
            self._control.sendall(b"fork network" if network else b"fork isolated")
            message, fds, _, _ = socket.recv_fds(self._control, 64, 1)
        if not fds:
            raise CspoError("the query worker could not be started")
        return _Worker(int(message), Connection(fds[0]), network)

    def _discard(self, worker: _Worker) -> int | None:
        """Kill a worker (once), close its pipe and have the zygote reap it; its wait status."""
        with self._lock:
            if self._alive.pop(worker.pid, None) is None:
                return None
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        worker.connection.close()
        with self._zygote_lock:
            try:
                self._control.sendall(f"wait {worker.pid}".encode("ascii"))
                status = int(self._control.recv(64))
            except (OSError, ValueError):
                return None
        return None if status < 0 else status

    def close(self) -> None:
        """Stop every worker and the zygote."""
        self._finalizer()


def _shut(control: socket.socket, zygote: int, alive: dict[int, _Worker]) -> None:
    for worker in list(alive.values()):
        if worker.pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
        worker.connection.close()
    control.close()  # the zygote sees EOF and exits
    with contextlib.suppress(ChildProcessError):
        os.waitpid(zygote, 0)
