"""A loopback TCP listener that records every connection, and the SERVICE spellings to try on it.

Shared by the engine tests and the server tests: whatever reads a query, no spelling of
SERVICE may reach the listener unless the caller allowed it.
"""

from __future__ import annotations

import select
import socket
import threading
import time
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

    def settle(self) -> int:
        """The connections made so far, once a connection on its way has had time to be accepted."""
        time.sleep(0.2)
        return self.connections

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


SERVICE_FORMS = {
    "plain": "SELECT * WHERE { SERVICE <URL> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <URL> { ?s ?p ?o } }",
    "lower case": "select * where { service <URL> { ?s ?p ?o } }",
    "mixed case": "SELECT * WHERE { SeRvIcE <URL> { ?s ?p ?o } }",
    "u escapes": "SELECT * WHERE { \\u0053\\u0045\\u0052\\u0056\\u0049\\u0043\\u0045 <URL> { ?s ?p ?o } }",
    "U escape": "SELECT * WHERE { SERV\\U00000049CE <URL> { ?s ?p ?o } }",
    "u escape in the IRI": "SELECT * WHERE { SERVICE <\\u0068ttp://127.0.0.1:PORT/sparql> { ?s ?p ?o } }",
    "comment before": "SELECT * WHERE { # a comment\n SERVICE <URL> { ?s ?p ?o } }",
    "comment between": "SELECT * WHERE { SERVICE # where to?\n <URL> { ?s ?p ?o } }",
    "after a string with a hash": 'SELECT * WHERE { BIND("# no comment" AS ?x) SERVICE <URL> { ?s ?p ?o } }',
    "in a long string's neighbourhood": 'SELECT * WHERE { BIND("""a"b""" AS ?x) SERVICE <URL> { ?s ?p ?o } }',
    "the issue's repro": (
        'SELECT * WHERE { ?a ?b ?c FILTER(?c != "A\\u0022 # ") SERVICE <URL> { ?s ?p ?o } FILTER(?c != "B"\n) }'
    ),
    "variable endpoint": "SELECT * WHERE { BIND(<URL> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "values endpoint": "SELECT * WHERE { VALUES ?e { <URL> } SERVICE SILENT ?e { ?s ?p ?o } }",
    "prefixed endpoint": "PREFIX e: <URL/> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }",
    "relative endpoint with BASE": "BASE <URL> SELECT * WHERE { SERVICE <> { ?s ?p ?o } }",
    "optional": "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <URL> { ?s ?p ?o } } }",
    "union": "SELECT * WHERE { { ?a ?b ?c } UNION { SERVICE <URL> { ?s ?p ?o } } }",
    "minus": "SELECT * WHERE { ?a ?b ?c MINUS { SERVICE <URL> { ?a ?p ?o } } }",
    "graph": "SELECT * WHERE { GRAPH ?g { SERVICE <URL> { ?s ?p ?o } } }",
    "filter exists": "SELECT * WHERE { ?a ?b ?c FILTER EXISTS { SERVICE <URL> { ?s ?p ?o } } }",
    "filter not exists": "SELECT * WHERE { ?a ?b ?c FILTER (!EXISTS { SERVICE <URL> { ?s ?p ?o } }) }",
    "exists inside ||": "SELECT * WHERE { ?a ?b ?c FILTER(false || EXISTS { SERVICE <URL> { ?s ?p ?o } }) }",
    "bind exists": "SELECT * WHERE { ?a ?b ?c BIND(EXISTS { SERVICE <URL> { ?s ?p ?o } } AS ?x) }",
    "having": "SELECT ?a WHERE { ?a ?b ?c } GROUP BY ?a HAVING (EXISTS { SERVICE <URL> { ?a ?p ?o } })",
    "order by": "SELECT ?a WHERE { ?a ?b ?c } ORDER BY (EXISTS { SERVICE <URL> { ?a ?p ?o } })",
    "subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <URL> { ?s ?p ?o } } } }",
    "deep": "SELECT * WHERE { "
    + "{ SELECT * WHERE { OPTIONAL { " * 5
    + "SERVICE SILENT <URL> { ?s ?p ?o }"
    + " } } }" * 5
    + " }",
    "service in service": "SELECT * WHERE { SERVICE <URL> { SERVICE <URL> { ?s ?p ?o } } }",
    "hash in prologue": "PREFIX e: <URL#> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }",
    "ask": "ASK { SERVICE <URL> { ?s ?p ?o } }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <URL> { ?s ?p ?o } }",
    "describe": "DESCRIBE ?s WHERE { SERVICE <URL> { ?s ?p ?o } }",
}
"""Queries that call the endpoint at URL through SERVICE, each spelled its own way."""

NOT_SERVICE_TO_RDFLIB = {"the issue's repro"}
"""Forms in which rdflib, reading ``\\u`` escapes first as SPARQL says, finds no SERVICE (a comment hides it)."""
UNPARSED_BY_RDFLIB = {"service in service", "hash in prologue", "after a string with a hash"}
"""Forms rdflib's parser rejects (it re-reads the text for each SERVICE, endlessly for a nested one)."""


def service_spellings(url: str) -> dict[str, str]:
    """Every form of :data:`SERVICE_FORMS` calling the endpoint at ``url``."""
    port = url.split(":")[2].split("/")[0]
    return {name: form.replace("URL", url).replace("PORT", port) for name, form in SERVICE_FORMS.items()}
