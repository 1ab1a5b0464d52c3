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
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import serving

from cspo_graph.runtime import guard
from tests.network import NOT_SERVICE_TO_RDFLIB, SERVICE_FORMS, UNPARSED_BY_RDFLIB, listening, service_spellings

SECRET = "SECRET-4b1d-not-for-output"


@pytest.fixture
def listener():
    with listening() as server:
        yield server


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


ENGINES = ("rdflib", "oxigraph-memory", "oxigraph-store")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """The built-in data in an on-disk Oxigraph store (whose engine has a SERVICE client of its own)."""
    from click.testing import CliRunner

    from cspo_graph.cli import main

    folder = tmp_path_factory.mktemp("store")
    result = CliRunner().invoke(main, ["load", "builtin", "--store", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def engine_options(engine: str, store: Path) -> list[str]:
    return {"rdflib": [], "oxigraph-memory": ["--engine", "oxigraph"], "oxigraph-store": ["--store", str(store)]}[
        engine
    ]


@pytest.mark.parametrize("form", SERVICE_FORMS)
@pytest.mark.parametrize("engine", ENGINES)
def test_no_spelling_of_service_reaches_the_network_on_any_engine(cli, listener, store, engine, form):
    """The executing engine runs in a process that cannot open a socket, whatever it reads."""
    text = service_spellings(listener.url)[form]
    result = cli("query", "-e", text, *engine_options(engine, store), "--timeout", "20")
    assert listener.settle() == 0
    if engine == "rdflib" and form in NOT_SERVICE_TO_RDFLIB:
        assert result.exit_code == 0, result.output  # what rdflib runs has no SERVICE
    elif engine == "rdflib" and form in UNPARSED_BY_RDFLIB:
        refused(result, "SPARQL")  # a syntax error, or "nested too deeply" for rdflib's endless re-reading
    else:
        refused(result, "SERVICE clauses reach the network and are refused; pass --allow-service to run them")


@pytest.mark.parametrize("engine", ENGINES)
def test_the_issue_repro_from_a_file(cli, listener, store, engine, tmp_path):
    """Issue 11.2, as filed: the query in q.rq, two lines, a \\u0022 inside a string before SERVICE."""
    query = tmp_path / "q.rq"
    first = f'?a ?b ?c FILTER(?c != "A\\u0022 # ") SERVICE <{listener.url}> {{ ?s ?p ?o }} FILTER(?c != "B"'
    query.write_text(f"SELECT * WHERE {{ {first}\n) }}\n", encoding="utf-8")
    cli("query", str(query), *engine_options(engine, store), "--timeout", "20")
    assert listener.settle() == 0


@pytest.fixture(scope="module")
def store_server(store):
    with serving("--store", str(store), "--timeout", "20") as url:
        yield url


@pytest.mark.parametrize("form", SERVICE_FORMS)
@pytest.mark.parametrize("which", ["memory", "store"])
def test_no_spelling_of_service_reaches_the_network_through_serve(listener, server_url, store_server, which, form):
    base = server_url if which == "memory" else store_server
    data = urllib.parse.urlencode({"query": service_spellings(listener.url)[form]}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(base + "sparql", data=data), timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert listener.settle() == 0
    if not (which == "memory" and form in NOT_SERVICE_TO_RDFLIB):
        assert status in (400, 403), status


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
