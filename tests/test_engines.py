"""One core: every engine (rdflib, Oxigraph on disk, Oxigraph in memory, a remote endpoint) gives the same answer.

Also the rules every engine keeps the same way: bindings as SEP-0007 substitution, the
time limit, deep nesting refused with one message, a worker that dies reported in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from compare import comparable
from conftest import in_a_thread
from processes import busy_descendants

from cspo_graph.errors import CspoError, InputError, QueryTimeout, UsageError
from cspo_graph.query.engines import ENGINES, Request, Source, open_engine
from cspo_graph.query.library import query_library, resolve
from cspo_graph.query.params import parse_params
from cspo_graph.query.sparql import MAX_NESTING
from cspo_graph.stores.local import load_files

LIBRARY = {q.name: q for q in query_library()}
REPO = Path(__file__).resolve().parent.parent
LOCAL = ("rdflib", "oxigraph-store", "oxigraph-memory")
GROUPED = (
    "SELECT ?nation (COUNT(*) AS ?n) {?m a cspo:Membership; org:member ?member. ?member rdfs:label ?nation} "
    "GROUP BY ?nation"
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="session")
def engines(dataset, tmp_path_factory):
    """Each local engine over the built-in data: name -> engine."""
    from cspo_graph.query.engines.memory import RdflibEngine

    store = tmp_path_factory.mktemp("engines") / "store"
    load_files(["builtin"], store)
    opened = {
        "rdflib": RdflibEngine(Source(), dataset=dataset, workers=2),
        "oxigraph-store": open_engine(Source(store=store), workers=2),
        "oxigraph-memory": open_engine(Source(), "oxigraph", workers=2),
    }
    yield opened
    for engine in opened.values():
        engine.close()


def ask(engine, text: str, params: dict | None = None, **options):
    return engine.query(Request(text, "q.rq", params or {}, timeout=options.pop("timeout", 60), **options))


def test_the_registry_names_every_engine():
    assert set(ENGINES) == {"rdflib", "oxigraph", "remote"}


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("SELECT * { ?s ?p ?o } LIMIT 1", ["s", "p", "o"]),
        (
            "SELECT DISTINCT * { ?n a cspo:Nation OPTIONAL { ?n rdfs:label ?label } BIND(1 AS ?one) }",
            ["n", "label", "one"],
        ),
        ("SELECT ?o ?s { ?s ?p ?o } LIMIT 1", ["o", "s"]),
    ],
)
@pytest.mark.parametrize("engine", LOCAL)
def test_select_star_columns_come_in_the_order_the_query_names_them(engines, engine, text, columns):
    assert ask(engines[engine], text).variables == columns


@pytest.mark.parametrize("name", sorted(LIBRARY))
@pytest.mark.parametrize("engine", LOCAL[1:])
def test_every_library_query_gives_the_same_rows_on_every_engine(engines, engine, name):
    text = LIBRARY[name].text
    expected = ask(engines["rdflib"], text)
    assert expected.rows, f"{name} answers nothing: the comparison would prove nothing"
    assert comparable(ask(engines[engine], text), text) == comparable(expected, text)


@pytest.mark.parametrize("engine", LOCAL)
def test_the_issue_example_binds_a_grouped_variable_on_every_engine(engines, engine):
    """Issue 11.1: bound with initBindings (1 row) or a trailing VALUES clause (10 rows) the engines disagreed."""
    result = ask(engines[engine], GROUPED, parse_params(["member=cspo:UnitedStates"]))
    assert [(row[0].value, row[1].value) for row in result.rows] == [("United States", "1")]


NARROWED = [
    ("posts", "person=cspo:RobertBrose"),
    ("posts", 'name="Robert Brose"@en'),
    ("founders", "member=cspo:Canada"),
]


@pytest.mark.parametrize(("name", "param"), NARROWED)
@pytest.mark.parametrize("engine", LOCAL)
def test_a_bound_library_query_is_narrowed_on_every_engine(engines, engine, name, param):
    """A query with DISTINCT, ORDER BY and GROUP BY above its projection: the binding still reaches its patterns."""
    text = LIBRARY[name].text
    everything = ask(engines["rdflib"], text)
    bound = ask(engines[engine], text, parse_params([param]))
    assert 0 < len(bound.rows) < len(everything.rows)
    assert comparable(bound, text) == comparable(ask(engines["rdflib"], text, parse_params([param])), text)


@pytest.mark.parametrize(
    ("text", "param", "expected"),
    [
        # a projected variable keeps its name and its value
        ("SELECT ?n ?l { ?n a cspo:Nation ; rdfs:label ?l }", "n=cspo:Canada", [("Canada",)]),
        # bound inside OPTIONAL and FILTER alike
        ("SELECT ?l { ?n rdfs:label ?l OPTIONAL { ?n a ?t } FILTER(?n = ?x) }", "x=cspo:Canada", [("Canada",)]),
        # inside EXISTS
        (
            "SELECT ?l { ?n a cspo:Nation ; rdfs:label ?l FILTER EXISTS { ?x rdfs:label ?l } }",
            "x=cspo:Canada",
            [("Canada",)],
        ),
        # a sub-SELECT that does not project ?n has its own ?n: every nation is still counted
        (
            "SELECT ?l ?c { ?n a cspo:Nation ; rdfs:label ?l { SELECT (COUNT(?n) AS ?c) { ?n a cspo:Nation } } }",
            "n=cspo:Canada",
            [("Canada", "10")],
        ),
    ],
)
@pytest.mark.parametrize("engine", LOCAL)
def test_bindings_follow_sep_0007_on_every_engine(engines, engine, text, param, expected):
    result = ask(engines[engine], text, parse_params([param]))
    values = [tuple(cell.value for cell in row if cell is not None and cell.kind == "literal") for row in result.rows]
    assert values == expected


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?x { BIND(cspo:Canada AS ?x) }",
        "SELECT (cspo:Canada AS ?x) {}",
        "SELECT ?x { VALUES ?x { cspo:Canada } }",
    ],
)
@pytest.mark.parametrize("engine", LOCAL)
def test_a_query_that_assigns_a_bound_variable_is_refused(engines, engine, text):
    with pytest.raises(UsageError, match=r"assigns \?x itself"):
        ask(engines[engine], text, parse_params(["x=cspo:Norway"]))


@pytest.mark.parametrize("engine", LOCAL)
def test_an_unknown_parameter_is_refused_on_every_engine(engines, engine):
    with pytest.raises(UsageError, match=r"no variable \?zzz"):
        ask(engines[engine], LIBRARY["founders"].text, parse_params(["zzz=1"]))


NESTED = {
    "5,000 nested groups": "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
    "100,000 nested parentheses": "SELECT * WHERE { FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }",
    "10,000 UNIONs": "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }",
    "just over the limit": "SELECT * WHERE " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1),
}


@pytest.mark.parametrize("text", NESTED.values(), ids=NESTED.keys())
@pytest.mark.parametrize("engine", LOCAL)
def test_deep_nesting_is_refused_with_one_message_on_every_engine(engines, engine, text):
    with pytest.raises(InputError, match="nested too deeply") as refused:
        ask(engines[engine], text)
    assert str(refused.value).startswith("q.rq: SPARQL error: the query is nested too deeply")


@pytest.mark.parametrize("engine", LOCAL)
def test_nesting_up_to_the_limit_is_answered_on_every_engine(engines, engine):
    depth = MAX_NESTING - 2
    text = "SELECT * WHERE " + "{" * depth + " BIND(1 AS ?x) " + "}" * depth
    assert [row[0].value for row in ask(engines[engine], text).rows] == ["1"]


@pytest.mark.parametrize("engine", LOCAL)
def test_a_runaway_query_is_stopped_and_nothing_keeps_running(engines, engine):
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="time limit of 1 s"):
        ask(engines[engine], RUNAWAY, timeout=1)
    assert time.monotonic() - started < 5
    assert busy_descendants(os.getpid()) == []
    assert ask(engines[engine], "ASK {}").boolean is True  # a replacement worker answers


@pytest.mark.parametrize("engine", LOCAL)
def test_a_trivial_query_is_answered_quickly_while_four_runaways_run(engine, dataset, tmp_path):
    """Issue 11.4: four runaway queries made an ASK {} from another client wait 29 s."""
    from cspo_graph.query.engines.memory import RdflibEngine

    if engine == "rdflib":
        opened = RdflibEngine(Source(), dataset=dataset, workers=8)
    elif engine == "oxigraph-store":
        load_files(["builtin"], tmp_path / "store")
        opened = open_engine(Source(store=tmp_path / "store"), workers=8)
    else:
        opened = open_engine(Source(), "oxigraph", workers=8)
    with opened:
        ask(opened, "ASK {}")
        outcomes: list[BaseException] = []

        def runaway() -> None:
            try:
                ask(opened, RUNAWAY, timeout=4)
            except QueryTimeout as exc:
                outcomes.append(exc)

        threads = [threading.Thread(target=runaway) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        started = time.monotonic()
        assert ask(opened, "ASK {}").boolean is True
        assert time.monotonic() - started < 0.5
        for thread in threads:
            thread.join()
        assert len(outcomes) == 4


def test_a_worker_that_dies_by_a_signal_is_reported_in_one_line():
    from cspo_graph.runtime.workers import WorkerPool

    def crash(_: object) -> None:
        os.kill(os.getpid(), 11)

    pool = WorkerPool(crash)
    try:
        with pytest.raises(CspoError, match=r"^q.rq: the query process was ended by signal SIGSEGV") as died:
            pool.run(None, timeout=10, what="q.rq")
        assert "\n" not in str(died.value)
    finally:
        pool.close()


def _echo(payload: object) -> object:
    """A worker's handler: a large answer for an int, a sleep for a float, the exception for one,
    the pid for anything else."""
    if isinstance(payload, int):
        return "x" * payload
    if isinstance(payload, float):
        time.sleep(payload)
    if isinstance(payload, Exception):
        raise payload
    return os.getpid()


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_the_event_loop_waits_on_a_worker_as_a_thread_does(loop):
    """The server's path (``run_async``): a large answer comes whole (uvloop leaves the pipe
    non-blocking), an error answer keeps its worker, a timeout kills it and the next run gets another."""
    import asyncio

    import uvloop

    from cspo_graph.errors import QueryTimeout
    from cspo_graph.runtime.workers import WorkerPool

    pool = WorkerPool(_echo)

    async def runs() -> None:
        assert await pool.run_async(8 << 20, timeout=30) == "x" * (8 << 20)
        first = await pool.run_async(None, timeout=30)
        with pytest.raises(CspoError, match=r"^refused$"):
            await pool.run_async(CspoError("refused"), timeout=30)
        assert await pool.run_async(None, timeout=30) == first, "an error answer cost the worker"
        with pytest.raises(QueryTimeout):
            await pool.run_async(60.0, timeout=0.5)
        assert await pool.run_async(None, timeout=30) != first, "a timed-out worker was used again"

    try:
        in_a_thread(lambda: (uvloop.run if loop == "uvloop" else asyncio.run)(runs()))
    finally:
        pool.close()


def test_query_leaves_nothing_in_home_or_cache(tmp_path):
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    cache.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(REPO)}
    store = tmp_path / "store"
    commands = [
        ["query", "founders"],
        ["query", "-e", GROUPED, "-p", "member=cspo:UnitedStates", "--engine", "oxigraph"],
        ["load", "builtin", "--store", str(store)],
        ["query", "members", "--store", str(store)],
    ]
    for command in commands:
        subprocess.run([sys.executable, "-m", "cspo_graph", *command], env=env, check=True, capture_output=True)
    assert list(home.iterdir()) == [] and list(cache.iterdir()) == []


@pytest.mark.parametrize("args", [[], ["--engine", "oxigraph"], ["--store"]])
def test_the_issue_example_through_the_cli(cli, tmp_path, args):
    if args == ["--store"]:
        assert cli("load", "builtin", "--store", str(tmp_path / "st")).exit_code == 0
        args = ["--store", str(tmp_path / "st")]
    result = cli("query", "-e", GROUPED, "-p", "member=cspo:UnitedStates", "-f", "csv", *args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["nation,n", "United States,1"]


RELATIVE = "BASE <sub/>\nSELECT ?here ?there WHERE {\n  BIND(<> AS ?here) BIND(<../d.ttl#x> AS ?there)\n}\n"
"""Relative IRIs, and a relative BASE, which resolve against the query's base IRI."""


@pytest.mark.parametrize("engine", [*LOCAL, "remote"])
def test_relative_iris_resolve_against_the_base_iri_on_every_engine(engines, engine, server_url, tmp_path):
    """The remote engine is sent the query with its IRIs resolved: the endpoint's own base plays no part."""
    query = tmp_path / "q.rq"
    request = Request(RELATIVE, str(query), base=query.as_uri())
    if engine == "remote":
        with open_engine(Source(endpoint=server_url + "sparql")) as remote:
            result = remote.query(request)
    else:
        result = engines[engine].query(request)
    folder = tmp_path.as_uri()
    assert [[cell.value for cell in row] for row in result.rows] == [[f"{folder}/sub/", f"{folder}/d.ttl#x"]]


@pytest.mark.parametrize("args", [[], ["--engine", "oxigraph"], ["--store"]])
def test_a_query_file_names_a_graph_relative_to_itself_and_an_expression_to_the_directory(
    cli, tmp_path, monkeypatch, args
):
    """Issue 11: `query FILE.rq` had no base IRI, so `GRAPH <d.ttl>` found nothing or was refused."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "d.ttl").write_text("<https://example.org/s> <https://example.org/p> 1, 2 .\n")
    (folder / "q.rq").write_text("SELECT (COUNT(*) AS ?n) WHERE {\n  GRAPH <d.ttl> { ?s ?p ?o }\n}\n")
    source = ["--data", str(folder / "d.ttl"), *args]
    if args == ["--store"]:
        assert cli("load", str(folder / "d.ttl"), "--store", str(tmp_path / "st")).exit_code == 0
        source = ["--store", str(tmp_path / "st")]
    monkeypatch.chdir(tmp_path)
    for query in (["data/q.rq"], ["-e", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <data/d.ttl> { ?s ?p ?o } }"]):
        result = cli("query", *query, *source, "-f", "csv")
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == ["n", "2"]


@pytest.mark.parametrize("args", [[], ["--engine", "oxigraph"]])
def test_errors_keep_the_line_and_column_of_the_file_with_a_base(cli, tmp_path, args):
    query = tmp_path / "bad.rq"
    query.write_text("BASE <sub/>\nSELECT * WHERE {\n  ?s ?p\n}\n")
    result = cli("query", str(query), *args)
    assert result.exit_code != 0
    assert result.output.startswith(f"Error: {query}:3:3: SPARQL syntax error")


def test_param_semantics_are_documented_in_help(cli):
    text = " ".join(cli("query", "--help").output.split())
    assert "SEP-0007" in text and "same on every engine" in text


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_the_remote_engine_sends_what_rdflib_checked_and_gets_the_same_rows(server_url, engines, name):
    """Through a real endpoint (serve): the text sent is the checked algebra written back, prefixes spelled out."""
    text = LIBRARY[name].text
    with open_engine(Source(endpoint=server_url + "sparql")) as remote:
        assert comparable(ask(remote, text), text) == comparable(ask(engines["rdflib"], text), text)


def test_the_remote_engine_binds_like_every_engine(server_url):
    with open_engine(Source(endpoint=server_url + "sparql")) as remote:
        result = ask(remote, GROUPED, parse_params(["member=cspo:UnitedStates"]))
    assert [(row[0].value, row[1].value) for row in result.rows] == [("United States", "1")]


def test_the_timeout_applies_to_an_endpoint(cli):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
        started = time.monotonic()
        result = cli("query", "founders", "--endpoint", url, "--timeout", "1")
    assert result.exit_code != 0
    assert time.monotonic() - started < 10


def test_library_queries_are_resolved():
    assert resolve("founders").name == "founders"
