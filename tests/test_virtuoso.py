"""push and query --endpoint against a real Virtuoso (Debian's virtuoso-opensource), started once."""

from __future__ import annotations

import pytest
import rdflib
import virtuoso
from compare import comparable
from conftest import require

from cspo_graph.query.library import query_library
from cspo_graph.query.sparql import run_query
from cspo_graph.stores.protocol import result_from_json

QUERIES = {q.name: q for q in query_library()}
PUSHED = {
    "gsp": "https://example.org/test/pushed-by-gsp",
    "update": "https://example.org/test/pushed-by-update",
}
EX = "https://example.org/ns#"
BLANK_NODES = """\
@prefix ex: <https://example.org/ns#> .
ex:report ex:author [ ex:name "A" ; ex:knows [ ex:name "B" ] ] ;
    ex:about [ ex:name "C" ] .
[] ex:name "D" .
ex:report ex:title "a report" .
"""


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One Virtuoso for the whole session, in a throw-away folder, stopped afterwards."""
    require(
        virtuoso.BINARY is not None and virtuoso.DEBIAN_INI is not None,
        "virtuoso-opensource is not installed",
    )
    running = virtuoso.start(tmp_path_factory.mktemp("virtuoso"))
    yield running
    virtuoso.stop(running)
    assert running.process.poll() is not None


@pytest.fixture
def login(monkeypatch):
    """The administrator's password where cspo-graph looks for it."""
    monkeypatch.setenv("CSPO_GRAPH_PASSWORD", virtuoso.PASSWORD)


def push_args(server: virtuoso.Virtuoso, protocol: str, *more: str) -> list[str]:
    url = server.graph_store if protocol == "gsp" else server.update
    return ["push", "--endpoint", url, "--protocol", protocol, "--user", virtuoso.USER, *more]


@pytest.fixture(scope="module")
def pushed(server, dataset):
    """The built-in data pushed into one graph by each protocol, in small batches."""
    from click.testing import CliRunner

    from cspo_graph.cli import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CSPO_GRAPH_PASSWORD", virtuoso.PASSWORD)
        for protocol, graph in PUSHED.items():
            args = push_args(server, protocol, "--graph", graph, "--replace", "--batch-size", "250")
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            size = len(dataset)  # the union of the graphs, each triple once
            assert f"{graph}: {size} triples sent, the store holds {size}" in result.output
    return PUSHED


def remote_rows(cli, server, name: str, *args: str):
    result = cli("query", name, "--endpoint", server.sparql, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    import json

    return result_from_json(json.loads(result.output))


@pytest.fixture(scope="module")
def one_graph(dataset):
    """The built-in data as pushed with --graph: the union of its graphs in one graph (no source graphs)."""
    from cspo_graph.rdf.export import union_graph

    merged = rdflib.Dataset(default_union=True)
    target = merged.graph(rdflib.URIRef("https://example.org/test/one-graph"))
    target.addN((s, p, o, target) for s, p, o in union_graph(dataset))
    return merged


# Virtuoso answers GRAPH ?g over every graph it holds (its system graphs included), whatever
# default graph the request names, so what-each-source-says, which lists every graph, lists its
# graphs too; the per-source graphs after a default push are checked with a GRAPH query below.
ONE_GRAPH_QUERIES = sorted(set(QUERIES) - {"what-each-source-says"})


@pytest.mark.parametrize("protocol", list(PUSHED))
@pytest.mark.parametrize("name", ONE_GRAPH_QUERIES)
def test_library_query_through_endpoint_matches_local(name, protocol, pushed, server, cli, one_graph):
    text = QUERIES[name].text
    local = run_query(one_graph, text)
    remote = remote_rows(cli, server, name, "--graph", pushed[protocol])
    assert local.rows, f"{name} answers nothing locally: the comparison would prove nothing"
    assert comparable(remote, text) == comparable(local, text)


def test_param_is_bound_remotely_as_locally(pushed, server, cli, dataset):
    from cspo_graph.query.params import parse_param

    local = run_query(dataset, QUERIES["posts"].text, params=dict([parse_param("person=cspo:RobertBrose")]))
    remote = remote_rows(cli, server, "posts", "--graph", pushed["gsp"], "--param", "person=cspo:RobertBrose")
    assert len(local.rows) == 4 and {row[0].value for row in remote.rows} == {"Robert Brose"}
    assert comparable(remote, QUERIES["posts"].text) == comparable(local, QUERIES["posts"].text)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("CONSTRUCT { ?n owl:sameAs ?w } WHERE { ?n owl:sameAs ?w }", "nt"),
        ("ASK { cspo:Norway cspo:iso3166Alpha3 'NOR' }", "json"),
    ],
)
def test_graph_and_ask_results_through_endpoint(text, fmt, pushed, server, cli):
    remote = cli("query", "-e", text, "--endpoint", server.sparql, "--graph", pushed["gsp"], "--format", fmt)
    local = cli("query", "-e", text, "--format", fmt)
    assert remote.exit_code == 0 and local.exit_code == 0, remote.output
    assert sorted(remote.output.splitlines()) == sorted(local.output.splitlines())
    assert len(local.output.splitlines()) == (13 if fmt == "nt" else 1)


def test_default_push_keeps_each_graph_under_its_name(server, cli, login, dataset):
    result = cli(*push_args(server, "gsp", "--replace"))
    assert result.exit_code == 0, result.output
    names = [str(graph.identifier) for graph in dataset.graphs() if len(graph)]
    assert len(names) == 6  # the ontology, the two source graphs, the curation, sources and links graphs
    for name in names:
        size = len(dataset.graph(rdflib.URIRef(name)))
        assert f"{name}: {size} triples sent, the store holds {size}" in result.output
    graphs = [arg for name in names for arg in ("--graph", name)]
    release = "https://w3id.org/cspo-graph/graph/source/DoWPressRelease"
    said = f"SELECT ?p ?o WHERE {{ GRAPH <{release}> {{ cspo:CSpO ?p ?o }} }} ORDER BY ?p ?o"
    remote = cli("query", "-e", said, "--endpoint", server.sparql, "--format", "csv")
    assert remote.exit_code == 0 and remote.output == cli("query", "-e", said, "--format", "csv").output
    assert "2018" not in remote.output and "CSpO alliance" in remote.output
    remote = remote_rows(cli, server, "members", *graphs)
    assert comparable(remote, QUERIES["members"].text) == comparable(
        run_query(dataset, QUERIES["members"].text), QUERIES["members"].text
    )


def count(cli, server, graph: str, pattern: str = "?s ?p ?o") -> int:
    result = remote_rows_text(cli, server, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", graph)
    return int(result.rows[0][0].value)


def remote_rows_text(cli, server, text: str, graph: str):
    import json

    result = cli("query", "-e", text, "--endpoint", server.sparql, "--graph", graph, "--format", "json")
    assert result.exit_code == 0, result.output
    return result_from_json(json.loads(result.output))


@pytest.mark.parametrize("protocol", list(PUSHED))
def test_replace_twice_leaves_one_copy_blank_nodes_included(protocol, server, cli, login, tmp_path):
    data = tmp_path / "blank.ttl"
    data.write_text(BLANK_NODES)
    graph = f"https://example.org/test/blank-nodes-{protocol}"
    for _ in range(2):
        result = cli(
            *push_args(server, protocol, "--data", str(data), "--graph", graph, "--replace", "--batch-size", "2")
        )
        assert result.exit_code == 0, result.output
        assert f"{graph}: 8 triples sent, the store holds 8" in result.output
    assert count(cli, server, graph) == 8
    # The blank nodes arrive whole: A knows B, and four distinct blank nodes carry a name.
    assert (
        count(
            cli,
            server,
            graph,
            f"?a <{EX}name> 'A' ; <{EX}knows>/<{EX}name> 'B'",
        )
        == 1
    )
    assert count(cli, server, graph, f"?b <{EX}name> ?name FILTER(isBlank(?b))") == 4


def test_adding_the_same_triples_again_keeps_one_copy(server, cli, login, tmp_path):
    data = tmp_path / "ground.ttl"
    data.write_text('<https://example.org/a> <https://example.org/b> "c", "d" .\n')
    graph = "https://example.org/test/added"
    # The second time, the triples are counted with a SPARQL query instead of reading the graph back.
    for counting in ([], ["--query-endpoint", server.sparql]):
        result = cli(*push_args(server, "gsp", "--data", str(data), "--graph", graph, *counting))
        assert result.exit_code == 0, result.output
        assert f"{graph}: 2 triples sent, the store holds 2" in result.output


def test_wrong_password_is_a_clear_error(server, cli, monkeypatch):
    monkeypatch.setenv("CSPO_GRAPH_PASSWORD", "not-the-password")
    result = cli(*push_args(server, "gsp", "--graph", "https://example.org/test/denied"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {server.graph_store}: authentication failed (HTTP 401): check --user and the password"
    )


def test_password_from_the_prompt(server, cli, monkeypatch, tmp_path):
    monkeypatch.delenv("CSPO_GRAPH_PASSWORD", raising=False)
    data = tmp_path / "one.nt"
    data.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    args = push_args(server, "update", "--data", str(data), "--graph", "https://example.org/test/prompt", "--replace")
    wrong = cli(*args, input="wrong\n")
    assert wrong.exit_code == 1 and "authentication failed (HTTP 401)" in wrong.output
    right = cli(*args, input=virtuoso.PASSWORD + "\n")
    assert right.exit_code == 0 and "1 triples sent, the store holds 1" in right.output
    # Typed at the prompt, never echoed: "dba" appears once, as the user name in the prompt.
    assert right.output.startswith(f"Password for {virtuoso.USER}: ") and right.output.count(virtuoso.PASSWORD) == 1


def test_anonymous_write_is_denied(server, cli):
    result = cli("push", "--endpoint", server.base + "/sparql-graph-crud", "--graph", "https://example.org/test/anon")
    assert result.exit_code == 1
    assert "sparql-graph-crud: access denied (HTTP 403)" in result.output


def test_store_that_rejects_the_data(server, cli):
    # The public /sparql endpoint runs queries but refuses SPARQL Update from anonymous users.
    result = cli(
        "push", "--endpoint", server.sparql, "--protocol", "update", "--graph", "https://example.org/test/no",
        "--batch-size", "100",
    )  # fmt: skip
    assert result.exit_code == 1
    assert (
        f"Error: {server.sparql}: the store rejected the data (HTTP 500): Virtuoso 42000 Error SR186:SECURITY"
        in result.output
    )


def test_partial_results_are_an_error(server, cli, pushed):
    # Virtuoso's anytime query: a 100 ms budget cuts this cross product short.
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result = cli("query", "-e", text, "--endpoint", server.sparql + "?timeout=100", "--graph", pushed["gsp"])
    assert result.exit_code == 1
    assert f"Error: {server.sparql}: partial results (S1TAT: " in result.output


def test_unreachable_endpoint(cli):
    port = virtuoso.free_port()
    for args in (("query", "members"), ("push",)):
        result = cli(*args, "--endpoint", f"http://127.0.0.1:{port}/sparql")
        assert result.exit_code == 1
        assert result.output.startswith(f"Error: cannot reach http://127.0.0.1:{port}/sparql: ")


class FlakyProxy:
    """A real HTTP proxy in front of Virtuoso that answers 503 to the first ``failures`` requests."""

    def __init__(self, target: str, failures: int) -> None:
        import http.server
        import threading

        import httpx

        proxy = self
        self.failures, self.seen = failures, 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle_one(self) -> None:
                proxy.seen += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if proxy.seen <= proxy.failures:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                answer = httpx.request(self.command, target + self.path, content=body, headers=headers)
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in (
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "content-encoding",
                    ):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PUT = handle_one

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_server_errors_are_retried_with_backoff(server, cli, login, tmp_path):
    data = tmp_path / "one.nt"
    data.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    proxy = FlakyProxy(server.base, failures=2)
    graph = "https://example.org/test/retried"
    try:
        store = proxy.url + server.graph_store.removeprefix(server.base)
        args = ["push", "--endpoint", store, "--user", virtuoso.USER, "--data", str(data), "--graph", graph]
        result = cli(*args, "--replace")
    finally:
        proxy.close()
    assert result.exit_code == 0, result.output
    assert f"{graph}: 1 triples sent, the store holds 1" in result.output
    assert proxy.seen >= 4  # two 503s, then the PUT (digest: challenge + answer) and the GET that counts
