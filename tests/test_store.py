"""The on-disk store answers like the in-memory path, keeps it read-only and local, and loads atomically."""

from __future__ import annotations

import json
import re

import pytest

from cspo_graph.errors import CspoError, InputError, UsageError
from cspo_graph.query.engines import Request, Source, open_engine
from cspo_graph.query.library import query_library, resolve
from cspo_graph.query.params import parse_param, parse_param_term
from cspo_graph.query.sparql import ReadOnlyError, ServiceRefused, run_query
from cspo_graph.rdf.parsing import load
from cspo_graph.stores.local import MANIFEST, load_files, store_info
from tests.network import listening
from tests.synthetic import synthetic_text

LIBRARY = [q.name for q in query_library()]


def cell(term):
    """A term to compare: GROUP_CONCAT cells (order undefined) as sets, written in sorted order."""
    if term is None:
        return None
    value = tuple(sorted(term.value.split("; "))) if "; " in term.value else term.value
    return (term.kind, value, term.datatype, term.lang)


def order_keys(text: str, variables: list[str]) -> list[int]:
    """The columns of the query's ORDER BY variables that it projects."""
    match = re.search(r"ORDER BY (.*)$", text, re.S)
    names = re.findall(r"\?(\w+)", match[1]) if match else []
    return [variables.index(name) for name in names if name in variables]


def assert_same_answer(expected, actual, text: str) -> None:
    assert actual.kind == expected.kind
    assert actual.variables == expected.variables
    assert actual.boolean == expected.boolean
    want = [tuple(map(cell, row)) for row in expected.rows]
    got = [tuple(map(cell, row)) for row in actual.rows]
    assert sorted(got, key=repr) == sorted(want, key=repr)
    keys = order_keys(text, expected.variables)
    assert [[row[i] for i in keys] for row in got] == [[row[i] for i in keys] for row in want]
    assert {tuple(map(cell, t)) for t in actual.triples} == {tuple(map(cell, t)) for t in expected.triples}


def query_store(store, text: str, *, params=None, allow_service: bool = False, source: str = "<query>"):
    """The answer of the Oxigraph engine over the store at ``store``."""
    with open_engine(Source(store=store)) as engine:
        return engine.query(Request(text, source, params or {}, timeout=60, allow_service=allow_service))


def count(store) -> int:
    """How many triples a store holds, by query."""
    return int(query_store(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows[0][0].value)


@pytest.fixture(scope="module")
def synthetic_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.ttl"
    path.write_text(synthetic_text(2200), encoding="utf-8")  # three meetings: worded-differently is quadratic
    return path


@pytest.fixture(scope="module")
def stores(request, tmp_path_factory):
    """``stores(name)``: the built-in or the synthetic data, in memory and in a store (each made when first asked)."""
    folder = tmp_path_factory.mktemp("stores")
    made: dict[str, tuple] = {}

    def get(name: str) -> tuple:
        if name not in made:
            files = ["builtin"] if name == "builtin" else [request.getfixturevalue("synthetic_file")]
            load_files(files, folder / name)
            made[name] = (load(files), folder / name)
        return made[name]

    return get


@pytest.mark.parametrize("data", ["builtin", "synthetic"])
@pytest.mark.parametrize("name", LIBRARY)
def test_the_store_answers_every_library_query_like_the_in_memory_path(stores, data, name):
    dataset, store = stores(data)
    text = resolve(name).text
    expected = run_query(dataset, text)
    assert expected.rows, f"{name} finds nothing in the {data} data: the comparison would prove little"
    assert_same_answer(expected, query_store(store, text), text)


@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("posts", "person=cspo:RobertBrose"),
        ("posts", 'name="Pete Hegseth"@en'),
        ("facts-by-source", "source=cspo:DallasExpressArticle"),
        ("founders", 'year="2018"^^xsd:gYear'),
    ],
)
def test_parameters_bind_like_the_in_memory_path(stores, name, param):
    dataset, store = stores("builtin")
    text = resolve(name).text
    expected = run_query(dataset, text, params=dict([parse_param(param)]))
    assert expected.rows
    assert_same_answer(expected, query_store(store, text, params=dict([parse_param_term(param)])), text)


@pytest.mark.parametrize(
    "text",
    [
        "ASK { cspo:UnitedStates a cspo:Nation }",
        "ASK { cspo:UnitedStates a cspo:Person }",
        "CONSTRUCT { ?n a cspo:Nation ; rdfs:label ?l } WHERE { ?n a cspo:Nation ; rdfs:label ?l }",
        "DESCRIBE cspo:Norway",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p",
    ],
)
def test_ask_construct_and_named_graphs_match(stores, text):
    dataset, store = stores("builtin")
    assert_same_answer(run_query(dataset, text), query_store(store, text), text)


def test_an_injection_attempt_in_a_parameter_stays_a_literal(stores):
    _, store = stores("builtin")
    before = count(store)
    param = dict([parse_param_term('name="x" } ; DROP ALL ; SELECT * { "')])
    assert query_store(store, resolve("posts").text, params=param).rows == []
    assert count(store) == before


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("INSERT DATA { <a> <b> <c> }", ReadOnlyError),
        ("DELETE WHERE { ?s ?p ?o }", ReadOnlyError),
        ("DROP ALL", ReadOnlyError),
        ("LOAD <http://127.0.0.1:9/x.ttl>", ReadOnlyError),
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", ServiceRefused),
        ("SELECT * { SERVI\\u0043E <http://127.0.0.1:9/> { ?s ?p ?o } }", ServiceRefused),
        ("SELECT * { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }", ServiceRefused),
        ("SELECT * { ?s ?p }", InputError),
        ("SELECT * { ?s nope:x ?o }", InputError),
    ],
)
def test_the_store_refuses_what_the_in_memory_path_refuses_with_the_same_message(stores, text, error):
    dataset, store = stores("builtin")
    before = count(store)
    with pytest.raises(error) as in_memory:
        run_query(dataset, text, source="q.rq")
    with pytest.raises(error) as on_disk:
        query_store(store, text, source="q.rq")
    assert str(on_disk.value) == str(in_memory.value)
    assert count(store) == before


def test_the_word_service_in_a_string_or_a_name_is_no_reason_to_refuse(stores):
    _, store = stores("builtin")
    text = 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }  # SERVICE'
    assert [row[0].value for row in query_store(store, text).rows] == ["SERVICE"]


def test_an_unknown_parameter_is_a_usage_error(stores):
    _, store = stores("builtin")
    with pytest.raises(UsageError, match=r"no variable \?zzz"):
        query_store(store, resolve("founders").text, params=dict([parse_param_term("zzz=1")]))


@pytest.fixture
def listener():
    with listening() as server:
        yield server


def test_from_and_from_named_pick_stored_graphs_and_never_fetch(stores, listener):
    _, store = stores("builtin")
    text = f"SELECT * FROM <{listener.url}> FROM NAMED <{listener.url}/g> WHERE {{ ?s ?p ?o }}"
    assert query_store(store, text).rows == []
    assert listener.requests == []
    data = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/cspo-graph/graph/ontology> WHERE { ?s ?p ?o }"
    assert 0 < int(query_store(store, data).rows[0][0].value) < count(store)


def test_service_reaches_the_network_only_when_allowed(stores, listener):
    _, store = stores("builtin")
    text = f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(ServiceRefused):
        query_store(store, text)
    assert listener.requests == []
    with pytest.raises(CspoError):  # the listener answers nothing
        query_store(store, text, allow_service=True)
    assert listener.requests and listener.requests[0].startswith(b"POST /sparql")


def test_a_failed_load_leaves_the_store_as_it_was(tmp_path):
    good = tmp_path / "good.ttl"
    good.write_text("@prefix : <http://x/> .\n:a :b :c .\n")
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix : <http://x/> .\n:a :b :c .\n:a :b <c d> .\n")
    folder = tmp_path / "store"
    first = load_files([good], folder)
    manifest = (folder / MANIFEST).read_text()
    with pytest.raises(InputError, match=r"bad\.ttl:3:7: Invalid IRI"):
        load_files(["builtin", bad], folder)
    assert (folder / MANIFEST).read_text() == manifest
    assert sorted(p.name for p in folder.iterdir()) == [".lock", MANIFEST, "gen-1"]
    assert store_info(folder) == first
    assert count(folder) == 1


def test_loading_a_file_again_replaces_its_graph_and_keeps_the_others(tmp_path):
    data = tmp_path / "data.nt"
    data.write_text("<http://x/a> <http://x/b> <http://x/old> .\n")
    folder = tmp_path / "store"
    builtin = load_files(["builtin", data], folder)
    data.write_text("<http://x/a> <http://x/b> <http://x/new> .\n")
    info = load_files([data], folder)
    objects = query_store(folder, "SELECT ?o { <http://x/a> <http://x/b> ?o }").rows
    assert [row[0].value for row in objects] == ["http://x/new"]
    assert info.generation == 2 and info.quads == builtin.quads and info.graphs == builtin.graphs
    assert info.graphs[data.resolve().as_uri()] == str(data.resolve())
    load_files([data], folder)
    assert sorted(p.name for p in folder.glob("gen-*")) == ["gen-2", "gen-3"]


def test_blank_nodes_of_two_files_stay_apart(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.nt").write_text(f'_:x <http://x/p> "{name}" .\n')
    folder = tmp_path / "store"
    load_files([tmp_path / "a.nt", tmp_path / "b.nt"], folder)
    assert query_store(folder, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }").rows[0][0].value == "2"
    assert count(folder) == 2


def test_progress_reports_every_byte(tmp_path, synthetic_file):
    seen: list[int] = []
    load_files([synthetic_file], tmp_path / "store", progress=seen.append)
    assert sum(seen) == synthetic_file.stat().st_size


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    with pytest.raises(InputError, match="not a cspo-graph store"):
        query_store(tmp_path, "ASK {}")
    (tmp_path / MANIFEST).write_text(json.dumps({"layout": 99}))
    with pytest.raises(InputError, match="layout 99"):
        store_info(tmp_path)
