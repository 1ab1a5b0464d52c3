"""A throw-away Oxigraph server: PyPI's ``oxigraph`` (``oxigraph serve``) on 127.0.0.1, in a temp folder.

The server keeps its data in ``folder`` (``--location``) and listens on a free
loopback port; it runs in its own process group, which :func:`stop` ends (tests/servers.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import servers


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
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    process = servers.launch(command(folder / "store", port, *more), base + "/query", "oxigraph serve", timeout=timeout)
    return Oxigraph(base, folder, process)


def stop(server: Oxigraph) -> None:
    """End the server's process group and wait for it."""
    servers.stop(server.process)
