"""A second engine: the whole query library on pyoxigraph over an export gives rdflib's rows over the same file."""

from __future__ import annotations

import pyoxigraph
import pytest
from compare import comparable

from cspo_graph.query.library import query_library
from cspo_graph.query.results import QueryResult, term_from_oxigraph
from cspo_graph.query.sparql import run_query
from cspo_graph.rdf.export import serialize
from cspo_graph.rdf.parsing import FORMATS, graph_name, load

QUERIES = {q.name: q for q in query_library()}
# Turtle holds every triple once (loaded into the file's graph); N-Quads keeps the named graphs, and
# Oxigraph's union default graph repeats the triples two source graphs share: the library's
# queries give the same rows either way.
EXPORTS = ["ttl", "nq"]


@pytest.fixture(scope="module", params=EXPORTS)
def store(request, dataset, tmp_path_factory):
    """One export, loaded by rdflib (as cspo-graph loads files) and by pyoxigraph."""
    fmt = FORMATS[request.param]
    path = tmp_path_factory.mktemp("export") / f"cspo{fmt.extensions[0]}"
    path.write_text(serialize(dataset, fmt), encoding="utf-8")
    loaded = pyoxigraph.Store()
    into = pyoxigraph.NamedNode(graph_name(path))  # as cspo-graph loads a file (see cspo_graph.stores.local)
    loaded.load(path=str(path), format=getattr(pyoxigraph.RdfFormat, fmt.oxigraph), to_graph=into)
    return loaded, load([path])


def oxigraph_result(store: pyoxigraph.Store, text: str) -> QueryResult:
    solutions = store.query(text, use_default_graph_as_union=True)
    variables = [v.value for v in solutions.variables]
    rows = [tuple(None if s[v] is None else term_from_oxigraph(s[v]) for v in variables) for s in solutions]
    return QueryResult("SELECT", variables=variables, rows=rows)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_library_query_gives_the_same_rows_on_pyoxigraph(name, store):
    loaded, same_file = store
    text = QUERIES[name].text
    local = run_query(same_file, text)
    other = oxigraph_result(loaded, text)
    assert local.rows, f"{name} answers nothing locally: the comparison would prove nothing"
    assert comparable(other, text) == comparable(local, text)
