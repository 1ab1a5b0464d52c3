"""What only Virtuoso (Debian's virtuoso-opensource) does, against a real server started once per session.

The tests both stores share are in tests/test_stores.py.
"""

from __future__ import annotations

import json

import pytest
import virtuoso
from compare import comparable
from conftest import require
from test_stores import Store, write_triples

from cspo_graph.query.library import query_library
from cspo_graph.query.sparql import run_query
from cspo_graph.stores import http
from cspo_graph.stores.protocol import result_from_json

QUERIES = {q.name: q for q in query_library()}


@pytest.fixture
def server(virtuoso_server):
    return virtuoso_server


@pytest.fixture
def store(virtuoso_server) -> Store:
    return Store("virtuoso", virtuoso_server, ("--user", virtuoso.USER))


@pytest.fixture(autouse=True)
def login(monkeypatch):
    """The administrator's password where cspo-graph looks for it; retries without long waits."""
    monkeypatch.setenv(http.PASSWORD_VARIABLE, virtuoso.PASSWORD)
    monkeypatch.setattr(http, "BACKOFF", 0.01)


def test_several_default_graphs_break_the_claims_query(store, cli, dataset):
    """Why docs/stores.md has Virtuoso queried through its own default graph (the union of all
    graphs) and not with one --graph per pushed graph (the README's old advice): `claims` misses rows."""
    result = cli(*store.push("update", "--replace"))
    assert result.exit_code == 0, result.output
    from cspo_graph.rdf.export import export_dataset

    names = [str(g.identifier) for g in export_dataset(dataset).graphs() if len(g)]
    graphs = [arg for name in names for arg in ("--graph", name)]
    answer = cli("query", "claims", "--endpoint", store.sparql, *graphs, "--format", "json")
    assert answer.exit_code == 0, answer.output
    text = QUERIES["claims"].text
    remote, local = result_from_json(json.loads(answer.output)), run_query(dataset, text)
    assert len(remote.rows) < len(local.rows) and comparable(remote, text) != comparable(local, text)


ROWS = 10_390


@pytest.fixture(scope="module")
def big_graph(virtuoso_server, tmp_path_factory):
    """10,390 triples, more than Virtuoso's ResultSetMaxRows (10,000) lets one answer hold."""
    from click.testing import CliRunner

    from cspo_graph.cli import main

    data = write_triples(tmp_path_factory.mktemp("big") / "big.nt", ROWS)
    graph = "https://example.org/test/big"
    store = Store("virtuoso", virtuoso_server, ("--user", virtuoso.USER))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(http.PASSWORD_VARIABLE, virtuoso.PASSWORD)
        result = CliRunner().invoke(main, store.push("gsp", "--data", data, "--graph", graph, "--replace"))
    assert result.exit_code == 0, result.output
    return data, graph


EVERY_TRIPLE = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"


def test_an_answer_cut_at_max_rows_is_an_error(big_graph, server, cli):
    _, graph = big_graph
    for text in (EVERY_TRIPLE, "SELECT ?s WHERE { ?s ?p ?o }"):
        result = cli("query", "-e", text, "--endpoint", server.sparql, "--graph", graph)
        assert result.exit_code == 1, result.output[-300:]
        assert result.output == (
            f"Error: {server.sparql}: partial results: the endpoint cuts answers at 10000 rows (X-SPARQL-MaxRows) "
            "and sent 10000; page through the answer with --page-size N (N below 10000)\n"
        )


def test_paged_answer_is_whole_and_matches_local(big_graph, server, cli):
    data, graph = big_graph
    result = cli("query", "-e", EVERY_TRIPLE, "--endpoint", server.sparql, "--graph", graph, "--page-size", "4000")
    assert result.exit_code == 0, result.output[-300:]
    local = cli("query", "-e", EVERY_TRIPLE, "--data", data)
    assert result.output == local.output and f"({ROWS} rows)" in local.output
    too_big = cli("query", "-e", EVERY_TRIPLE, "--endpoint", server.sparql, "--graph", graph, "--page-size", "10000")
    assert too_big.exit_code == 1 and "X-SPARQL-MaxRows" in too_big.output


def test_paging_needs_an_order(server, cli):
    result = cli("query", "-e", "SELECT * { ?s ?p ?o }", "--endpoint", server.sparql, "--page-size", "10")
    assert result.exit_code != 0 and "--page-size needs a SELECT query with ORDER BY" in result.output


def test_query_endpoint_with_login(store, cli):
    # /sparql-auth answers only after a digest login.
    pushed = cli(*store.push("update", "--replace"))
    assert pushed.exit_code == 0, pushed.output
    base = ["query", "founders", "--endpoint", store.update]
    denied = cli(*base)
    assert denied.exit_code == 1 and "authentication failed (HTTP 401)" in denied.output
    answer = cli(*base, "--user", virtuoso.USER, "--format", "csv")
    assert answer.exit_code == 0, answer.output
    assert answer.output == cli("query", "founders", "--format", "csv").output


def test_password_from_the_prompt(store, cli, monkeypatch, tmp_path):
    monkeypatch.delenv(http.PASSWORD_VARIABLE, raising=False)
    data = write_triples(tmp_path / "one.nt", 1)
    args = store.push("update", "--data", data, "--graph", "https://example.org/test/prompt", "--replace")
    wrong = cli(*args, input="wrong\n")
    assert wrong.exit_code == 1 and "authentication failed (HTTP 401)" in wrong.output
    right = cli(*args, input=virtuoso.PASSWORD + "\n")
    assert right.exit_code == 0 and "1 triples sent, the store holds 1" in right.output
    # Typed at the prompt, never echoed: "dba" appears once, as the user name in the prompt.
    assert right.output.startswith(f"Password for {virtuoso.USER}: ") and right.output.count(virtuoso.PASSWORD) == 1


def test_anonymous_write_is_denied(server, cli):
    graph_store = server.base + "/sparql-graph-crud"
    result = cli("push", "--endpoint", graph_store, "--query-endpoint", server.sparql, "--graph", "urn:x:anon")
    assert result.exit_code == 1
    assert "sparql-graph-crud: access denied (HTTP 403)" in result.output


def test_store_that_rejects_the_data(server, cli):
    # The public /sparql endpoint runs queries but refuses SPARQL Update from anonymous users.
    args = ["push", "--endpoint", server.sparql, "--protocol", "update", "--graph", "https://example.org/test/no"]
    result = cli(*args, "--batch-size", "100")
    assert result.exit_code == 1
    assert (
        f"Error: {server.sparql}: the store rejected the data (HTTP 500): Virtuoso 42000 Error SR186:SECURITY"
        in result.output
    )
    assert "nothing was switched in: the store's graphs are as they were" in result.output


def test_partial_results_are_an_error(server, cli):
    # Virtuoso's anytime query: a 100 ms budget cuts this cross product short.
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result = cli("query", "-e", text, "--endpoint", server.sparql + "?timeout=100")
    assert result.exit_code == 1
    assert f"Error: {server.sparql}: partial results (S1TAT: " in result.output


def test_unreachable_endpoint(cli):
    port = virtuoso.free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    for args in (("query", "members"), ("push", "--query-endpoint", url)):
        result = cli(*args, "--endpoint", url)
        assert result.exit_code == 1
        assert result.output.startswith(f"Error: cannot reach {url}: ")


def test_bulk_loader_recipe_loads_the_export(store, dataset):
    """docs/stores.md's offline recipe: Virtuoso's bulk loader (ld_dir, rdf_loader_run) on the N-Quads export."""
    import subprocess

    from cspo_graph.rdf.export import export_dataset, serialize
    from cspo_graph.rdf.formats import named

    exported = {str(g.identifier): len(g) for g in export_dataset(dataset).graphs() if len(g)}
    store.run_update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in exported))
    folder = store.server.folder
    (folder / "cspo.nq").write_text(serialize(dataset, named("nq")))
    subprocess.run(virtuoso.isql(store.server, virtuoso.bulk_load_sql(folder, "cspo.nq")), check=True, timeout=120)
    held = store.graph_sizes("https://w3id.org/cspo-graph/graph/")
    assert {g: held.get(g) for g in exported} == exported


@pytest.fixture(scope="module")
def small_transactions(tmp_path_factory):
    """A second Virtuoso whose transactions may write only 10,000 bytes (TransactionAfterImageLimit's
    least value): a switch of 1,000 triples replacing 1,000 passes it, a batch of 50 does not."""
    require(virtuoso.BINARY is not None and virtuoso.DEBIAN_INI is not None, "virtuoso-opensource is not installed")
    limit = {"Parameters": {"TransactionAfterImageLimit": 10_000}}
    server = virtuoso.start(tmp_path_factory.mktemp("small"), settings=limit)
    yield Store("virtuoso", server, ("--user", virtuoso.USER))
    virtuoso.stop(server)


S = "https://example.org/s"


def test_a_transaction_too_large_for_virtuoso_says_what_to_set(small_transactions, cli, tmp_path):
    store, graph = small_transactions, "https://example.org/test/after-image"
    old, new = write_triples(tmp_path / "old.nt", 1000), write_triples(tmp_path / "new.nt", 2000, start=1000)
    placed = cli(*store.push("direct", "--data", old, "--graph", graph, "--replace", "--batch-size", "50"))
    assert placed.exit_code == 0, placed.output

    switch = cli(*store.push("gsp", "--data", new, "--graph", graph, "--replace", "--batch-size", "50"))
    assert switch.exit_code == 1
    assert "the store rejected the switch (HTTP 500): Virtuoso 40005 Error SR325" in switch.output
    assert "nothing was switched in: the store's graphs are as they were. Virtuoso writes at most " in switch.output
    assert (
        "and the switch is one transaction for the 2000 triples it adds and removes: set "
        "TransactionAfterImageLimit = 100000000 or more (about 100 bytes a triple), restart Virtuoso and run "
        "cspo-graph push --endpoint " in switch.output
    )
    assert store.graph_sizes("https://example.org/test/") == {graph: 1000}
    assert store.graph_sizes("urn:cspo-graph:staging:") == {}
    held = f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} VALUES ?s {{ <{S}999> <{S}1999> }} }}"
    assert [row["s"]["value"] for row in store.select(held)] == [f"{S}999"]  # the old triples, not the new

    batch = cli(*store.push("update", "--data", new, "--graph", graph, "--replace", "--batch-size", "1000"))
    assert batch.exit_code == 1 and "Virtuoso 40005 Error SR325" in batch.output
    assert "and each batch is one: give a smaller --batch-size (it was 1000)" in batch.output
    assert store.graph_sizes("https://example.org/test/") == {graph: 1000}


def test_a_switch_stopped_by_virtuosos_time_limit_says_what_to_set():
    """Not provoked on a real server, unlike the test above: the switch would have to outlast
    MaxQueryExecutionTime, whose least value is a second, which takes about 100,000 triples here and more
    on a faster machine (a slow test that the machine's speed could break). The error is the one Virtuoso
    answered to the benchmark's switch of a million triples under Debian's 60 s."""
    from cspo_graph.stores.http import EndpointError, client
    from cspo_graph.stores.push import Endpoints, Push

    targets = {"https://example.org/g": [], "https://example.org/h": []}
    with client() as session:
        run = Push(
            session,
            targets,
            Endpoints("urn:w", "urn:q", "urn:u"),
            "gsp",
            replace=True,
            batch_size=10,
            progress=None,
            repair="REPAIR",
        )
    run.report.sent, run.report.before = (
        {"https://example.org/g": 600_000, "https://example.org/h": 400_000},
        {"https://example.org/g": 1_000, "https://example.org/h": 0},
    )
    refused = EndpointError(
        "http://127.0.0.1/sparql-auth: the store rejected the switch (HTTP 500): Virtuoso S1T00 "
        "Error SR171: Transaction timed out"
    )
    assert run.advice(refused) == (
        "Virtuoso stops a SPARQL request after MaxQueryExecutionTime seconds"
        " ([SPARQL] in virtuoso.ini; 60 in Debian's file; docs/stores.md), and each batch is one: give a smaller "
        "--batch-size (it was 10)"
    )
    run.switching = True
    assert run.advice(refused).endswith(
        "and the switch is one transaction for the 1001000 triples it adds and removes: set MaxQueryExecutionTime "
        "above the seconds the switch takes (0: no limit), restart Virtuoso and run REPAIR"
    )
    assert run.advice(EndpointError("the store rejected the switch (HTTP 500): SR186: SECURITY")) == ""
