"""A throw-away Oxigraph server: PyPI's ``oxigraph`` (``oxigraph serve``) on 127.0.0.1, in a temp folder.

The server keeps its data in ``folder`` (``--location``) and listens on a free
loopback port; it runs in its own process group, which :func:`stop` ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from virtuoso import free_port


def _binary() -> str | None:
    """The ``oxigraph`` command of the running Python's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


BINARY = _binary()


@dataclass
class Oxigraph:
    """A running server and its endpoints (Oxigraph's fixed paths)."""

    base: str
    folder: Path
    process: subprocess.Popen

    @property
    def sparql(self) -> str:
        """SPARQL 1.1 Protocol query endpoint."""
        return self.base + "/query"

    @property
    def update(self) -> str:
        """SPARQL 1.1 Update endpoint."""
        return self.base + "/update"

    @property
    def graph_store(self) -> str:
        """SPARQL 1.1 Graph Store HTTP Protocol endpoint."""
        return self.base + "/store"


def command(location: Path, port: int, *more: str) -> list[str]:
    """The ``oxigraph serve`` command line the tests run (docs/stores.md shows the same)."""
    assert BINARY is not None
    return [BINARY, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *more]


def start(folder: Path, *more: str, timeout: float = 30.0) -> Oxigraph:
    """Start a server on an empty store in ``folder``; return once /query answers."""
    port = free_port()
    process = subprocess.Popen(
        command(folder / "store", port, *more),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Oxigraph(f"http://127.0.0.1:{port}", folder, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited with {process.returncode}")
        try:
            if httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop(server)
    raise RuntimeError(f"oxigraph serve did not answer within {timeout} s")


def stop(server: Oxigraph) -> None:
    """End the server's process group and wait for it."""
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
