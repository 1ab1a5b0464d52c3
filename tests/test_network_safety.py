"""Nothing reaches the network or the disk beyond the named files unless the user asks.

Each test runs a command with a real listener on 127.0.0.1 that must receive no
connection, and a secret local file whose text must not appear in any output. A
positive control proves the listener does see a connection when one is allowed.
"""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from cspo_graph.runtime import guard

SECRET = "SECRET-4b1d-not-for-output"


class Listener:
    """A TCP listener on a free loopback port that counts the connections it accepts."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def settle(self) -> int:
        time.sleep(0.2)  # let a connection that was made be accepted
        return self.connections

    def stop(self) -> None:
        self.stopping = True
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.stop()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(f'{SECRET}\n<https://example.org/s> <https://example.org/p> "{SECRET}" .\n')
    return path


def refused(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert len(result.output.splitlines()) == 1
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output


SERVICE_FORMS = {
    "plain": "SELECT * WHERE { SERVICE <URL> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <URL> { ?s ?p ?o } }",
    "variable endpoint": "SELECT * WHERE { BIND(<URL> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "values endpoint": "SELECT * WHERE { VALUES ?e { <URL> } SERVICE SILENT ?e { ?s ?p ?o } }",
    "prefixed endpoint": "PREFIX e: <URL/> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }",
    "lower case": "select * where { service <URL> { ?s ?p ?o } }",
    "optional": "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <URL> { ?s ?p ?o } } }",
    "union": "SELECT * WHERE { { ?a ?b ?c } UNION { SERVICE <URL> { ?s ?p ?o } } }",
    "minus": "SELECT * WHERE { ?a ?b ?c MINUS { SERVICE <URL> { ?a ?p ?o } } }",
    "graph": "SELECT * WHERE { GRAPH ?g { SERVICE <URL> { ?s ?p ?o } } }",
    "filter exists": "SELECT * WHERE { ?a ?b ?c FILTER EXISTS { SERVICE <URL> { ?s ?p ?o } } }",
    "filter not exists": "SELECT * WHERE { ?a ?b ?c FILTER (!EXISTS { SERVICE <URL> { ?s ?p ?o } }) }",
    "bind exists": "SELECT * WHERE { ?a ?b ?c BIND(EXISTS { SERVICE <URL> { ?s ?p ?o } } AS ?x) }",
    "if exists": "SELECT * WHERE { ?a ?b ?c FILTER(IF(true, EXISTS { SERVICE <URL> { ?a ?b ?c } }, false)) }",
    "having": "SELECT ?a WHERE { ?a ?b ?c } GROUP BY ?a HAVING (EXISTS { SERVICE <URL> { ?a ?p ?o } })",
    "order by": "SELECT ?a WHERE { ?a ?b ?c } ORDER BY (EXISTS { SERVICE <URL> { ?a ?p ?o } })",
    "subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <URL> { ?s ?p ?o } } } }",
    "deep": "SELECT * WHERE { "
    + "{ SELECT * WHERE { OPTIONAL { " * 5
    + "SERVICE SILENT <URL> { ?s ?p ?o }"
    + " } } }" * 5
    + " }",
    "ask": "ASK { SERVICE <URL> { ?s ?p ?o } }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <URL> { ?s ?p ?o } }",
    "describe": "DESCRIBE ?s WHERE { SERVICE <URL> { ?s ?p ?o } }",
}


@pytest.mark.parametrize("form", SERVICE_FORMS)
def test_service_is_refused_in_every_form(cli, listener, form):
    result = cli("query", "-e", SERVICE_FORMS[form].replace("URL", listener.url))
    refused(result, "SERVICE clauses reach the network and are refused")
    assert listener.settle() == 0


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <URL> { SERVICE <URL> { ?s ?p ?o } } }",
        "PREFIX e: <URL#> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }",
    ],
    ids=["service in service", "hash in prologue"],
)
def test_service_forms_rdflib_cannot_parse_are_refused_as_syntax_errors(cli, listener, text):
    """rdflib's parser re-reads the whole text for each SERVICE and fails on these forms."""
    refused(cli("query", "-e", text.replace("URL", listener.url)), "SPARQL syntax error")
    assert listener.settle() == 0


def test_allow_service_opts_in(cli, listener):
    """The positive control: with --allow-service the listener is reached (and hangs up)."""
    text = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    result = cli("query", "-e", text, "--allow-service", "--timeout", "10")
    refused(result, "a SERVICE endpoint could not be queried")
    assert listener.settle() >= 1


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
def test_from_fetches_nothing(cli, listener, secret, clause):
    for target in (listener.url, secret.as_uri()):
        text = f"SELECT ?s ?p ?o {clause} <{target}> WHERE {{ ?s ?p ?o }}"
        result = cli("query", "-e", text, "--format", "csv")
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == ["s,p,o"]
        assert SECRET not in result.output
    assert listener.settle() == 0


@pytest.mark.parametrize("update", ["LOAD <{url}>", "LOAD SILENT <{url}> INTO GRAPH <urn:g>"])
def test_load_is_refused(cli, listener, secret, update):
    for target in (listener.url, secret.as_uri()):
        result = cli("query", "-e", update.format(url=target))
        refused(result, "SPARQL Update is refused")
        assert SECRET not in result.output
    assert listener.settle() == 0


def test_jsonld_contexts_are_never_fetched(cli, listener, secret, tmp_path):
    for context in (f"http://127.0.0.1:{listener.port}/context.jsonld", secret.as_uri()):
        data = tmp_path / "remote.jsonld"
        data.write_text(f'{{"@context": "{context}", "@id": "https://example.org/s", "name": "x"}}')
        result = cli("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--data", str(data))
        refused(result, "remote JSON-LD contexts are never fetched")
        assert SECRET not in result.output
    assert listener.settle() == 0


def test_the_shipped_jsonld_context_is_used_from_the_package(cli, tmp_path):
    data = tmp_path / "shipped.jsonld"
    data.write_text(
        '{"@context": ["https://w3id.org/cspo-graph/context.jsonld", {"label": "rdfs:label"}],'
        ' "@id": "cspo:Example", "label": "an example"}'
    )
    result = cli("query", "-e", "SELECT ?s ?o WHERE { ?s rdfs:label ?o }", "--data", str(data), "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["s,o", "https://w3id.org/cspo-graph/ns#Example,an example"]


OWL_IMPORTS = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
<https://example.org/onto> a owl:Ontology ; owl:imports <{remote}>, <{local}> .
"""


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["validate", "--reason", "owlrl"],
        ["query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--reason", "owlrl"],
        ["query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--reason", "rdfs"],
    ],
)
def test_owl_imports_are_never_followed(cli, listener, secret, tmp_path, command):
    data = tmp_path / "imports.ttl"
    data.write_text(OWL_IMPORTS.format(remote=listener.url, local=secret.as_uri()))
    result = cli(*command, "--data", "builtin", "--data", str(data))
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert listener.settle() == 0


DTD_DOCUMENTS = {
    "external entity": '<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "{target}"> ]>',
    "parameter entity": '<!DOCTYPE rdf:RDF [ <!ENTITY % p SYSTEM "{target}"> %p; ]>',
    "external DTD": '<!DOCTYPE rdf:RDF SYSTEM "{target}">',
    "entity expansion": '<!DOCTYPE rdf:RDF [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;"> ]>',
}


@pytest.mark.parametrize("kind", DTD_DOCUMENTS)
def test_xml_with_a_dtd_is_refused_before_parsing(cli, listener, secret, tmp_path, kind):
    for target in (listener.url, secret.as_uri()):
        data = tmp_path / "entities.rdf"
        data.write_text(
            '<?xml version="1.0"?>\n'
            + DTD_DOCUMENTS[kind].format(target=target)
            + '\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">'
            + '<rdf:Description rdf:about="https://example.org/s"><ex:p>&e;</ex:p></rdf:Description></rdf:RDF>\n'
        )
        result = cli("query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--data", str(data))
        refused(result, f"{data}:2:", "a DTD (<!DOCTYPE ...>) is refused")
        assert SECRET not in result.output
    assert listener.settle() == 0


def test_guard_refuses_connections_while_a_command_runs(listener):
    with guard.guarded():
        with pytest.raises(guard.NetworkRefused, match="network access refused"):
            socket.create_connection(("127.0.0.1", listener.port), timeout=2)
        with pytest.raises(guard.NetworkRefused, match=r"opening http://127\.0\.0\.1"):
            urllib.request.urlopen(listener.url, timeout=2)
        with pytest.raises(guard.NetworkRefused, match="host name lookup"):
            socket.getaddrinfo("cspo-graph.invalid", 80)
        with pytest.raises(guard.NetworkRefused):
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", listener.port))
        # a server's own socket keeps working: binding and listening on loopback
        server = socket.create_server(("127.0.0.1", 0))
        server.close()
    assert listener.settle() == 0
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
        pass  # outside a command, the process has its network back
    assert listener.settle() == 1


def test_allow_network_opts_a_command_in(listener):
    with guard.guarded():
        guard.allow_network()
        with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
            pass
    assert listener.settle() == 1
    with guard.guarded(), pytest.raises(guard.NetworkRefused):
        socket.create_connection(("127.0.0.1", listener.port), timeout=2)


PROBE = """\
import socket
import click

from cspo_graph.runtime.guard import allow_network


@click.command()
@click.option("--network", is_flag=True)
@click.argument("port", type=int)
def probe(network, port):
    if network:
        allow_network()
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    click.echo("connected")
"""

RUN_WITH_PROBE = """\
import sys
from cspo_graph.cli import COMMANDS, main
COMMANDS["probe"] = "probe:probe"
main()
"""


def test_every_command_runs_under_the_guard(listener, tmp_path):
    """A command that tries to connect on its own (as a library bug would) is stopped: one line, exit 1."""
    (tmp_path / "probe.py").write_text(PROBE)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", RUN_WITH_PROBE, "probe", *args, str(listener.port)]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)

    blocked = run()
    assert blocked.returncode == 1
    assert blocked.stdout == ""
    assert blocked.stderr.splitlines() == [
        f"Error: network access refused (connection to ('127.0.0.1', {listener.port})): cspo-graph reaches "
        "the network only for a command given a network option such as --allow-service"
    ]
    assert listener.settle() == 0
    allowed = run("--network")
    assert (allowed.returncode, allowed.stdout) == (0, "connected\n")
    assert listener.settle() == 1


def test_secret_file_named_in_a_query_is_not_read(cli, secret):
    """A file IRI in the query text is only a name: nothing is read from it."""
    result = cli("query", "-e", f"SELECT * WHERE {{ <{secret.as_uri()}> ?p ?o }}", "--format", "csv")
    assert result.exit_code == 0
    assert SECRET not in result.output


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """The built-in data in an on-disk Oxigraph store (whose engine has a SERVICE client of its own)."""
    from click.testing import CliRunner

    from cspo_graph.cli import main

    folder = tmp_path_factory.mktemp("store")
    result = CliRunner().invoke(main, ["load", "builtin", "--store", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.parametrize("form", ["plain", "silent", "variable endpoint", "deep", "filter exists", "construct"])
def test_service_is_refused_on_the_store_path_too(cli, listener, store, form):
    result = cli("query", "--store", str(store), "-e", SERVICE_FORMS[form].replace("URL", listener.url))
    refused(result, "SERVICE clauses reach the network and are refused")
    assert listener.settle() == 0


def test_escaped_service_keyword_is_refused_on_the_store_path(cli, listener, store):
    """SPARQL's \\u escapes apply before parsing: SERV\\u0049CE is SERVICE to Oxigraph."""
    text = f"SELECT * WHERE {{ SERV\\u0049CE <{listener.url}> {{ ?s ?p ?o }} }}"
    result = cli("query", "--store", str(store), "-e", text, "--timeout", "10")
    assert result.exit_code == 1
    assert listener.settle() == 0


def test_store_load_refuses_a_dtd(cli, listener, secret, tmp_path):
    data = tmp_path / "entities.rdf"
    data.write_text(
        '<?xml version="1.0"?>\n'
        + DTD_DOCUMENTS["external entity"].format(target=secret.as_uri())
        + '\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
    )
    result = cli("load", str(data), "--store", str(tmp_path / "store"))
    refused(result, f"{data}:2:", "a DTD (<!DOCTYPE ...>) is refused")
    assert SECRET not in result.output


class _HostileEndpoint(http.server.BaseHTTPRequestHandler):
    """Answers every query with RDF/XML that declares entities."""

    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rdf+xml")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


def test_an_endpoint_answering_with_a_dtd_is_refused(cli, secret):
    _HostileEndpoint.body = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "' + secret.as_uri() + '"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">'
        '<rdf:Description rdf:about="https://example.org/s"><ex:p>&e;</ex:p></rdf:Description></rdf:RDF>'
    ).encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostileEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        result = cli("query", "--endpoint", url, "-e", "CONSTRUCT WHERE { ?s ?p ?o }")
    finally:
        server.shutdown()
        server.server_close()
    refused(result, "a DTD (<!DOCTYPE ...>) is refused")
    assert SECRET not in result.output


def test_allowing_outside_a_command_does_not_carry_into_the_next(listener):
    guard.allow_network()
    with guard.guarded(), pytest.raises(guard.NetworkRefused):
        socket.create_connection(("127.0.0.1", listener.port), timeout=2)
    assert listener.settle() == 0
