"""push and query --endpoint against two real stores on 127.0.0.1: Virtuoso and Oxigraph's server.

Each store is started once per session (tests/conftest.py). The commands are the
ones docs/stores.md gives for each store.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import virtuoso
from compare import comparable, endpoint_answer
from fault_proxy import FaultProxy

from cspo_graph.query.library import query_library
from cspo_graph.query.sparql import run_query
from cspo_graph.rdf.parsing import GRAPH_BASE
from cspo_graph.stores import http

QUERIES = {q.name: q for q in query_library()}
UNION = {"virtuoso": "", "oxigraph": "?union-default-graph"}
"""What each store's query URL needs for the library to give the local rows (docs/stores.md): the
named graphs pushed as they are, queried through a default graph that is the union of them all
(Virtuoso's is, with no default-graph-uri; Oxigraph's query URL takes union-default-graph)."""
STAGING = "urn:cspo-graph:staging:"
DIRECT = httpx.Client(timeout=60, trust_env=False)
"""Straight to the stores, for checking what they hold."""
BLANK_NODES = """\
@prefix ex: <https://example.org/ns#> .
ex:report ex:author [ ex:name "A" ; ex:knows [ ex:name "B" ] ] ;
    ex:about [ ex:name "C" ] .
[] ex:name "D" .
ex:report ex:title "a report" .
"""


@dataclass
class Store:
    """A running store as the tests use it: its endpoints, login, and direct access for checking."""

    name: str
    server: Any
    login: tuple[str, ...] = ()

    @property
    def sparql(self) -> str:
        return self.server.sparql

    @property
    def update(self) -> str:
        return self.server.update

    @property
    def graph_store(self) -> str:
        return self.server.graph_store

    @property
    def library(self) -> str:
        """The query URL with the default-graph setting the library needs on this store."""
        return self.sparql + UNION[self.name]

    def push(self, mode: str, *more: str, base: str | None = None) -> list[str]:
        """``push`` arguments: ``update`` and ``gsp`` load staged graphs, ``direct`` writes in place (GSP)."""
        moved = (lambda url: url.replace(self.server.base, base)) if base else (lambda url: url)
        endpoints = {
            "update": ["--protocol", "update", "--endpoint", moved(self.update)],
            "gsp": ["--endpoint", moved(self.graph_store), "--update-endpoint", moved(self.update)],
            "direct": ["--endpoint", moved(self.graph_store)],
        }[mode]
        return ["push", *endpoints, "--query-endpoint", moved(self.sparql), *self.login, *more]

    def select(self, text: str) -> list[dict]:
        """Rows of a SELECT query asked straight from the store (not through cspo-graph)."""
        accept = {"Accept": "application/sparql-results+json"}
        answer = DIRECT.post(self.sparql, data={"query": text}, headers=accept)
        answer.raise_for_status()
        return answer.json()["results"]["bindings"]

    def graph_sizes(self, prefix: str) -> dict[str, int]:
        """Triples in each graph whose IRI starts with ``prefix``."""
        rows = self.select(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{prefix}')) }} "
            "GROUP BY ?g"
        )
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}

    def run_update(self, text: str) -> None:
        auth = httpx.DigestAuth(virtuoso.USER, virtuoso.PASSWORD) if self.login else None
        answer = DIRECT.post(
            self.update, content=text, headers={"Content-Type": "application/sparql-update"}, auth=auth
        )
        answer.raise_for_status()


@pytest.fixture(scope="session", params=["virtuoso", "oxigraph"])
def store(request) -> Store:
    server = request.getfixturevalue(f"{request.param}_server")
    return Store(request.param, server, ("--user", virtuoso.USER) if request.param == "virtuoso" else ())


@pytest.fixture(autouse=True)
def password(monkeypatch):
    """Virtuoso's administrator password where cspo-graph looks for it; retries without long waits."""
    monkeypatch.setenv(http.PASSWORD_VARIABLE, virtuoso.PASSWORD)
    monkeypatch.setattr(http, "BACKOFF", 0.01)


@pytest.fixture(scope="session")
def pushed(store: Store) -> Store:
    """The built-in data pushed by each protocol, every graph under its own name."""
    from click.testing import CliRunner

    from cspo_graph.cli import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(http.PASSWORD_VARIABLE, virtuoso.PASSWORD)
        for args in (store.push("update", "--batch-size", "250"), store.push("gsp")):
            result = CliRunner().invoke(main, [*args, "--replace"])
            assert result.exit_code == 0, result.output
    return store


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_library_query_through_endpoint_matches_local(name, pushed, cli, dataset):
    text = QUERIES[name].text
    local = run_query(dataset, text)
    assert local.rows, f"{name} answers nothing locally: the comparison would prove nothing"
    answer = endpoint_answer(cli, pushed.library, name)
    if pushed.name == "virtuoso" and name == "what-each-source-says":
        # It lists every graph, and Virtuoso's GRAPH ?g sees every graph it holds (its own
        # system graphs included) and names the other graphs by their labels: compare what
        # the two source documents' graphs say, row for row.
        documents = {"The Dallas Express article", "U.S. Department of War press release"}
        for result in (local, answer):
            result.rows = [row for row in result.rows if row[1] is not None and row[1].value in documents]
        assert local.rows
    assert comparable(answer, text) == comparable(local, text)


def test_push_sends_every_graph_the_export_writes(pushed, dataset):
    from cspo_graph.rdf.export import export_dataset

    exported = {str(g.identifier): len(g) for g in export_dataset(dataset).graphs() if len(g)}
    assert len(exported) >= 5 and sum(1 for g in exported if "/source/" in g) >= 2
    held = pushed.graph_sizes(GRAPH_BASE)
    assert held == exported
    assert not pushed.graph_sizes(STAGING), "staging graphs were left behind"


def test_booleans_print_as_locally(pushed, cli):
    local = cli("query", "members", "--format", "csv").output.splitlines()
    answer = cli("query", "members", "--endpoint", pushed.library, "--format", "csv")
    assert answer.exit_code == 0, answer.output
    founding = [line.split(",")[2] for line in answer.output.splitlines()]
    assert founding == [line.split(",")[2] for line in local] and founding.count("true") == founding.count("false") == 5


def test_reading_for_a_push_pauses_the_garbage_collector_only_while_it_reads():
    import gc

    from cspo_graph.stores.push import read_graphs

    collections: list[str] = []
    gc.callbacks.append(lambda phase, info: collections.append(phase))
    try:
        graphs = read_graphs([], None)  # the built-in data: thousands of objects, collections without the pause
    finally:
        gc.callbacks.pop()
    assert gc.isenabled() and collections == [] and len(graphs) >= 5
    gc.disable()
    try:
        read_graphs([], None)
        assert not gc.isenabled()
    finally:
        gc.enable()


def write_triples(path, count: int, start: int = 0) -> str:
    path.write_text(
        "".join(f'<https://example.org/s{i}> <https://example.org/p> "{i}" .\n' for i in range(start, count))
    )
    return str(path)


def test_count_above_ten_thousand_is_counted_on_the_server(store, cli, tmp_path):
    data = write_triples(tmp_path / "many.nt", 15_000)
    graph = f"https://example.org/test/{store.name}/many"
    result = cli(*store.push("gsp", "--data", data, "--graph", graph, "--replace"))
    assert result.exit_code == 0, result.output
    assert f"{graph}: 15000 triples sent, the store holds 15000" in result.output


def test_update_endpoint_that_answers_no_queries_is_caught_before_writing(oxigraph_server, cli, tmp_path):
    data = write_triples(tmp_path / "few.nt", 3)
    graph = "https://example.org/test/not-written"
    result = cli("push", "--protocol", "update", "--endpoint", oxigraph_server.update, "--data", data, "--graph", graph)
    assert result.exit_code == 1
    assert (
        "nothing was written" in result.output and "give the store's query URL with --query-endpoint" in result.output
    )
    assert Store("oxigraph", oxigraph_server).graph_sizes(graph) == {}


def test_gsp_without_a_query_url_is_a_usage_error(oxigraph_server, cli):
    result = cli("push", "--endpoint", oxigraph_server.graph_store)
    assert result.exit_code == 2 or result.exit_code == 1
    assert "give the store's query URL with --query-endpoint" in result.output


@pytest.mark.parametrize("mode", ["update", "gsp", "direct"])
def test_blank_nodes_added_twice_are_refused(mode, store, cli, tmp_path):
    data = tmp_path / "blank.ttl"
    data.write_text(BLANK_NODES)
    graph = f"https://example.org/test/{store.name}/blank-added-{mode}"
    first = cli(*store.push(mode, "--data", str(data), "--graph", graph, "--replace"))
    assert first.exit_code == 0 and f"{graph}: 8 triples sent, the store holds 8" in first.output, first.output
    again = cli(*store.push(mode, "--data", str(data), "--graph", graph))
    assert again.exit_code == 1
    assert f"<{graph}> already holds 7 triples with blank nodes" in again.output
    assert store.graph_sizes(graph) == {graph: 8}


@pytest.mark.parametrize("mode", ["update", "gsp"])
def test_replace_twice_leaves_one_copy_blank_nodes_included(mode, store, cli, tmp_path):
    data = tmp_path / "blank.ttl"
    data.write_text(BLANK_NODES)
    graph = f"https://example.org/test/{store.name}/blank-replaced-{mode}"
    for _ in range(2):
        result = cli(*store.push(mode, "--data", str(data), "--graph", graph, "--replace", "--batch-size", "2"))
        assert result.exit_code == 0 and f"{graph}: 8 triples sent, the store holds 8" in result.output, result.output
    ex = "https://example.org/ns#"
    knows = store.select(f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?a <{ex}name> 'A' ; <{ex}knows>/<{ex}name> 'B' }} }}")
    assert len(knows) == 1


def test_adding_ground_triples_again_keeps_one_copy(store, cli, tmp_path):
    graph = f"https://example.org/test/{store.name}/added"
    data = write_triples(tmp_path / "two.nt", 2)
    more = write_triples(tmp_path / "three.nt", 3)
    for path, held in ((data, 2), (data, 2), (more, 3)):
        result = cli(*store.push("update", "--data", path, "--graph", graph))
        assert result.exit_code == 0, result.output
        assert f"the store holds {held}" in result.output


# All or nothing, through a proxy that fails or cuts one request.

OLD = 3
"""Triples each target graph holds before the faulty push."""


def prepare_old(store: Store, graphs) -> dict[str, int]:
    triples = " ".join(f"<https://example.org/old{i}> <https://example.org/p> {i} ." for i in range(OLD))
    inserts = " ".join(f"GRAPH <{g}> {{ {triples} }}" for g in graphs)
    store.run_update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in graphs) + f" ; INSERT DATA {{ {inserts} }}")
    return dict.fromkeys(graphs, OLD)


def push_through(store: Store, proxy: FaultProxy, mode: str, targets) -> str | None:
    """Push ``targets`` (replacing) through ``proxy`` as :func:`store.push` would; the error, if any."""
    from cspo_graph.stores.push import Endpoints, PushError, push

    def via(url: str) -> str:
        return url.replace(store.server.base, proxy.url)

    update = None if mode == "direct" else via(store.update)
    write = via(store.update if mode == "update" else store.graph_store)
    login = http.Credentials(virtuoso.USER, virtuoso.PASSWORD) if store.login else None
    protocol = "update" if mode == "update" else "gsp"
    endpoints = Endpoints(write, via(store.sparql), update)
    try:
        push(targets, endpoints, replace=True, protocol=protocol, credentials=login, batch_size=12, repair="REPAIR")
    except PushError as exc:
        return str(exc)
    return None


FAULTY = "https://example.org/test/faulty/"


def fault_targets() -> dict:
    """Three graphs of two batches each, one with blank nodes."""
    from cspo_graph.query.results import Term

    p = Term("uri", "https://example.org/p")

    def node(i: int, graph: int) -> Term:
        return Term("bnode", f"b{i}") if graph == 2 else Term("uri", f"https://example.org/s{i}")

    return {f"{FAULTY}{g}": [(node(i, g), p, Term("literal", str(i))) for i in range(20 + g)] for g in range(3)}


@pytest.mark.parametrize(("mode", "stride"), [("update", 1), ("direct", 2), ("gsp", 3)])
def test_a_fault_leaves_the_store_as_it_was_or_fully_updated_or_says_so(mode, stride, store):
    """Fail the Nth request and all after it, or cut the Nth answer short, for N over the whole push
    (every ``stride``-th N, and always the switch, to keep the suite fast); and drop the connection
    while the store carries out the switch."""
    targets = fault_targets()
    new = {graph: len(triples) for graph, triples in targets.items()}
    with FaultProxy(store.server.base) as proxy:
        assert push_through(store, proxy, mode, targets) is None
        requests = proxy.seen
    assert requests > 10
    switch = requests - len(targets)  # the switch is followed by one count for each graph
    numbers = sorted({*range(1, requests + 1, stride), switch})
    outcomes = []
    for kind in ("down_from", "cut", "drop"):
        for number in numbers if kind != "drop" else [switch]:
            old = prepare_old(store, new)
            with FaultProxy(store.server.base, **{kind: number}) as proxy:
                error = push_through(store, proxy, mode, targets)
            held = store.graph_sizes(FAULTY)
            held = {g: held.get(g, 0) for g in new}
            case = f"{kind}={number}: {error}"
            if error and "may still be carrying it out" in error:
                # Said so, and the staging graphs were kept: the store (done by now) is fully updated.
                assert kind == "drop" and "to finish, run the update" in error, case
                held = {g: store.graph_sizes(FAULTY).get(g, 0) for g in new}
                assert held == new and not store.graph_sizes(STAGING), case
                outcomes.append("updated")
                continue
            if error is None or held == new:
                said = ("were switched in", "partly updated")
                assert held == new and (error is None or any(words in error for words in said)), case
                outcomes.append("updated")
            elif held == old:
                said = (
                    "as they were",
                    "nothing was written",
                    "partly updated",
                    "may be partly switched in",
                    "may still",
                )
                assert any(words in error for words in said), case
                outcomes.append("as it was")
            else:
                assert mode == "direct" and "The store is partly updated" in error, case
                assert "complete: " in error and "partial: " in error and "Repair with: REPAIR" in error, case
                outcomes.append("partial, said so")
            left = store.graph_sizes(STAGING)
            if left:
                assert kind == "down_from" and "may be left" in error, case
                assert all(g in error for g in left), case
                store.run_update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in left))
    assert {"updated", "as it was"} <= set(outcomes)
    assert ("partial, said so" in outcomes) == (mode == "direct")


def test_a_partial_direct_push_is_repaired_by_the_command_it_names(store, cli, dataset):
    from cspo_graph.stores.push import graphs_to_push

    new = {graph: len(triples) for graph, triples in graphs_to_push(dataset, None).items()}
    prepare_old(store, new)
    with FaultProxy(store.server.base, down_from=12) as proxy:
        result = cli(*store.push("direct", "--replace", "--batch-size", "400", base=proxy.url))
    assert result.exit_code == 1 and "The store is partly updated" in result.output, result.output
    repair = result.output.split("Repair with: ")[1].strip()
    assert repair.startswith("cspo-graph push ") and proxy.url in repair
    result = cli(*shlex.split(repair.replace(proxy.url, store.server.base))[1:])
    assert result.exit_code == 0, result.output
    held = store.graph_sizes(GRAPH_BASE)
    assert {g: held[g] for g in new} == new


ONE_TRIPLE = b"<https://example.org/s0>"
"""What only the request that sends ``write_triples(path, 1)``'s data holds."""


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_retried(store, cli, tmp_path, status):
    data = write_triples(tmp_path / "one.nt", 1)
    graph = f"https://example.org/test/{store.name}/retried"
    with FaultProxy(store.server.base, fail_carrying=ONE_TRIPLE, status=status) as proxy:
        result = cli(*store.push("gsp", "--data", data, "--graph", graph, "--replace", base=proxy.url))
        assert proxy.carrying >= 2  # failed once, then sent again (Virtuoso's login challenge answers one more)
    assert result.exit_code == 0, result.output
    assert f"{graph}: 1 triples sent, the store holds 1" in result.output


REFUSAL = b"Virtuoso 42000 Error SR325: Transaction aborted because it's log after image size went above the limit"
"""Virtuoso's answer (HTTP 500) to a transaction over its TransactionAfterImageLimit, as 7.2.5 words it."""


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_a_refusal_that_names_a_limit_of_the_store_is_not_sent_again(store, cli, tmp_path, protocol):
    """Sent again, it would only be refused again, after the backoff: the limit is named instead."""
    data = write_triples(tmp_path / "one.nt", 1)
    graph = f"https://example.org/test/{store.name}/refused"
    with FaultProxy(store.server.base, fail_carrying=ONE_TRIPLE, status=500, body=REFUSAL) as proxy:
        result = cli(*store.push(protocol, "--data", data, "--graph", graph, "--replace", base=proxy.url))
        assert proxy.carrying == 1, "the refused data was sent again"
    assert result.exit_code == 1
    assert "(HTTP 500)" in result.output and "TransactionAfterImageLimit" in result.output, result.output


# Credentials.


@pytest.mark.parametrize("command", [["push"], ["query", "members"]])
def test_userinfo_in_a_url_is_refused_without_repeating_it(command, store, cli):
    url = store.sparql.replace("http://", "http://alice:s3cret@")
    result = cli(*command, "--endpoint", url)
    assert result.exit_code != 0
    assert "a user name or password in the URL is refused" in result.output
    assert "s3cret" not in result.output and "alice" not in result.output


def test_wrong_password_is_never_echoed(virtuoso_server, cli, monkeypatch):
    monkeypatch.setenv(http.PASSWORD_VARIABLE, "not-the-password")
    store = Store("virtuoso", virtuoso_server, ("--user", virtuoso.USER))
    for args in (
        store.push("update", "--graph", "https://example.org/test/denied"),
        ["query", "founders", "--endpoint", store.update, "--user", virtuoso.USER],
    ):
        result = cli(*args)
        assert result.exit_code == 1 and "authentication failed (HTTP 401)" in result.output
        assert "not-the-password" not in result.output


def test_progress_bar_on_a_terminal_only(oxigraph_server, tmp_path):
    """A bar on standard error when it is a terminal (a real pseudo-terminal here); nothing otherwise."""
    import os
    import pty
    import subprocess
    import sys

    data = write_triples(tmp_path / "bar.nt", 50)
    store = Store("oxigraph", oxigraph_server)
    args = [sys.executable, "-m", "cspo_graph", *store.push("update", "--data", data, "--graph", "urn:x:bar")]
    args += ["--replace", "--batch-size", "10"]
    env = {**os.environ, "COLUMNS": "100"}
    leader, follower = pty.openpty()
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=follower, env=env) as process:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        output = process.stdout.read().decode() if process.stdout else ""
    os.close(leader)
    assert process.returncode == 0 and "urn:x:bar: 50 triples sent, the store holds 50" in output
    assert b"Pushing triples" in shown and b"100%" in shown
    quiet = subprocess.run(args, capture_output=True, text=True, env=env)
    assert quiet.returncode == 0 and quiet.stderr == ""
