"""A loopback TCP listener that records every connection, and the SERVICE spellings to try on it.

Shared by the engine tests and the server tests: whatever reads a query, no spelling of
SERVICE may reach the listener unless the caller allowed it.
"""

from __future__ import annotations

import select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Listener:
    """A TCP socket on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            if select.select([self.socket], [], [], 0.05)[0]:
                connection, _ = self.socket.accept()
                self.connections += 1
                with connection:
                    connection.settimeout(2)
                    try:
                        self.requests.append(connection.recv(1000))
                    except OSError:
                        self.requests.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)
        self.socket.close()


@contextmanager
def listening() -> Iterator[Listener]:
    """A :class:`Listener` for the duration of the block."""
    server = Listener()
    try:
        yield server
    finally:
        server.close()


def service_spellings(url: str) -> dict[str, str]:
    """Queries that call the endpoint at ``url`` through SERVICE, each spelled its own way."""
    escaped = "".join(f"\\u{ord(c):04X}" for c in "SERVICE")
    escaped_iri = url.replace("h", "\\u0068", 1)
    base = url.rsplit("/", 1)[0] + "/"
    pattern = "{ ?s ?p ?o }"
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "lowercase": f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        "mixed case": f"SELECT * WHERE {{ SeRvIcE <{url}> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "u escapes": f"SELECT * WHERE {{ {escaped} <{url}> {{ ?s ?p ?o }} }}",
        "u escape in the IRI": f"SELECT * WHERE {{ SERVICE <{escaped_iri}> {pattern} }}",
        "comment before": f"SELECT * WHERE {{ # a comment\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "comment between": f"SELECT * WHERE {{ SERVICE # what\n <{url}> {{ ?s ?p ?o }} }}",
        "after a string with a hash": f'SELECT * WHERE {{ BIND("# no comment" AS ?x) SERVICE <{url}> {pattern} }}',
        "the issue's repro": (
            'SELECT * WHERE { ?a ?b ?c FILTER(?c != "A\\u0022 # ") '
            f'SERVICE <{url}> {{ ?s ?p ?o }} FILTER(?c != "B"\n) }}'
        ),
        "nested": f"SELECT * WHERE {{ SERVICE <{url}> {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "variable endpoint": f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "variable endpoint from VALUES": f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "in a subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "in OPTIONAL": f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "in UNION": f"SELECT * WHERE {{ {{ BIND(1 AS ?x) }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "in MINUS": f"SELECT * WHERE {{ BIND(1 AS ?x) MINUS {{ SERVICE <{url}> {{ ?x ?p ?o }} }} }}",
        "in EXISTS": f"SELECT * WHERE {{ BIND(1 AS ?x) FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "in NOT EXISTS": f"SELECT * WHERE {{ BIND(1 AS ?x) FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "in ASK": f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "in CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "prefixed endpoint": f"PREFIX ep: <{base}> SELECT * WHERE {{ SERVICE ep:sparql {pattern} }}",
        "relative endpoint with BASE": f"BASE <{url}> SELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
    }
