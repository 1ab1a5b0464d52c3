"""What every throw-away SPARQL server of the tests shares: a free port on 127.0.0.1, a start that
returns once the server answers a query, and a stop that ends the server's whole process group.

tests/virtuoso.py, tests/oxigraph_server.py and tests/comunica_server.py each say how their
server is run; this module runs it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

PROBE = "ASK {}"
"""The query a server must answer (HTTP 200) before it counts as started."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(log: Path | None) -> str:
    """The end of the server's log, for a failure message."""
    if log is None or not log.exists():
        return ""
    return ":\n" + log.read_text(errors="replace")[-3000:]


def launch(
    command: list[str],
    sparql: str,
    name: str,
    *,
    timeout: float,
    log: Path | None = None,
    interval: float = 0.1,
    **popen: Any,
) -> subprocess.Popen:
    """Run ``command`` in a process group of its own; return it once its query URL ``sparql`` answers
    :data:`PROBE`. ``log`` is the file the server writes, whose end a failure message shows; ``popen``
    goes to :class:`subprocess.Popen` (standard output and error are discarded unless it says otherwise)."""
    options = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, **popen}
    process = subprocess.Popen(command, start_new_session=True, **options)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}{_tail(log)}")
        try:
            if httpx.get(sparql, params={"query": PROBE}, timeout=10).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(interval)
    stop(process)
    raise RuntimeError(f"{name} did not answer within {timeout} s{_tail(log)}")


def stop(process: subprocess.Popen) -> None:
    """End the server's whole process group and wait for it."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
