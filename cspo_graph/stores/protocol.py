"""The SPARQL 1.1 Protocol client: sending a query to an endpoint and reading its answer.

The answer becomes the engine-neutral :class:`~cspo_graph.query.results.QueryResult`,
so every output format applies. An answer the endpoint marks as incomplete (HTTP 206,
or Virtuoso's ``X-SQL-State`` header on a query that hit a limit) is an error, not a
result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from cspo_graph.query.results import XSD, QueryResult, Term
from cspo_graph.stores import http

if TYPE_CHECKING:
    import httpx

SPARQL_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
KINDS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "CONSTRUCT",
}


class IncompleteResult(http.EndpointError):
    """The endpoint answered with partial results (a limit or timeout cut the query short)."""


def term_from_json(binding: Mapping[str, str]) -> Term:
    """A term of the SPARQL 1.1 JSON results format (``typed-literal`` included, as Virtuoso sends)."""
    kind, value = binding["type"], binding["value"]
    if kind in ("uri", "bnode"):
        return Term(kind, value)
    lang = binding.get("xml:lang")
    datatype = None if lang or binding.get("datatype") == XSD + "string" else binding.get("datatype")
    return Term("literal", value, datatype, lang)


def result_from_json(body: Mapping[str, Any]) -> QueryResult:
    """Convert a SPARQL 1.1 JSON results document."""
    if "boolean" in body:
        return QueryResult("ASK", boolean=bool(body["boolean"]))
    variables = list(body["head"].get("vars", []))
    rows = [
        tuple(term_from_json(solution[name]) if name in solution else None for name in variables)
        for solution in body["results"]["bindings"]
    ]
    return QueryResult("SELECT", variables=variables, rows=rows)


def parse_rdf_body(response: httpx.Response) -> Iterator[Any]:
    """The pyoxigraph quads of an RDF response, in the format its Content-Type names."""
    import pyoxigraph

    from cspo_graph.rdf.formats import for_media_type
    from cspo_graph.rdf.parsing import check_xml

    fmt = for_media_type(response.headers.get("content-type", ""))
    if fmt.xml:
        check_xml(response.content, str(response.url))
    return pyoxigraph.parse(response.content, fmt.oxigraph_format())


def _graph_result(response: httpx.Response) -> QueryResult:
    from cspo_graph.query.results import term_from_oxigraph

    triples = [
        tuple(term_from_oxigraph(t) for t in (q.subject, q.predicate, q.object)) for q in parse_rdf_body(response)
    ]
    return QueryResult("CONSTRUCT", triples=triples)  # type: ignore[arg-type]


def _check_complete(response: httpx.Response) -> None:
    state = response.headers.get("x-sql-state")
    if response.status_code == 206 or state:
        message = response.headers.get("x-sql-message", "").strip()
        detail = f" ({state}: {message})" if state else " (HTTP 206)"
        raise IncompleteResult(f"{response.request.url.copy_with(query=None)}: partial results{detail}")


def send_query(
    session: httpx.Client,
    url: str,
    text: str,
    kind: str,
    default_graphs: Iterable[str] = (),
    named_graphs: Iterable[str] = (),
) -> QueryResult:
    """POST a query (URL-encoded, as the SPARQL 1.1 Protocol allows) and convert the answer."""
    response = http.send(
        session,
        "POST",
        url,
        what="the query",
        data={"query": text, "default-graph-uri": list(default_graphs), "named-graph-uri": list(named_graphs)},
        headers={"Accept": GRAPH_TYPES if kind == "CONSTRUCT" else SPARQL_JSON},
    )
    _check_complete(response)
    if kind == "CONSTRUCT":
        return _graph_result(response)
    try:
        return result_from_json(response.json())
    except (ValueError, KeyError, TypeError) as exc:
        raise http.EndpointError(f"{url}: not a SPARQL JSON results document ({exc})") from None
