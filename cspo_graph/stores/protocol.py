"""The SPARQL 1.1 Protocol client: sending a query to an endpoint and reading its answer.

The answer becomes the engine-neutral :class:`~cspo_graph.query.results.QueryResult`,
so every output format applies. Its booleans and integers are in canonical form, as
the local engines write them (Virtuoso sends ``"1"^^xsd:boolean`` for ``true``).

An answer is whole or an error. An answer the endpoint marks as incomplete is an
error, not a result: HTTP 206, Virtuoso's ``X-SQL-State`` header (a query that hit
its anytime limit), and Virtuoso's ``X-SPARQL-MaxRows`` header on an answer with as
many rows as that cap (Virtuoso cuts every answer at ``ResultSetMaxRows`` and
sends the header when it has that many rows). With ``page_size`` a SELECT query
with ``ORDER BY`` is asked for page after page (``LIMIT``/``OFFSET``) until a page
comes back short, each page checked the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from cspo_graph.errors import UsageError
from cspo_graph.query.results import XSD, QueryResult, Term
from cspo_graph.rdf.formats import FORMATS
from cspo_graph.stores import http

if TYPE_CHECKING:
    import httpx

SPARQL_JSON = FORMATS["json"].media_type
GRAPH_TYPES = ", ".join(
    f"{FORMATS[name].media_type}{quality}" for name, quality in (("nt", ""), ("ttl", ";q=0.9"), ("rdfxml", ";q=0.5"))
)
KINDS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "CONSTRUCT",
}


class IncompleteResult(http.EndpointError):
    """The endpoint answered with partial results (a limit or timeout cut the query short)."""


_BOOLEANS = {"1": "true", "0": "false", "true": "true", "false": "false"}
_INTEGERS = {
    XSD + name
    for name in [
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}


def canonical_lexical(value: str, datatype: str | None) -> str:
    """The canonical lexical form of an xsd:boolean or integer value (``"1"`` -> ``"true"``, ``"+07"`` -> ``"7"``);
    any other value, or one that is not valid for its type, unchanged."""
    if datatype == XSD + "boolean":
        return _BOOLEANS.get(value.strip(), value)
    if datatype in _INTEGERS:
        try:
            return str(int(value.strip()))
        except ValueError:
            return value
    return value


def term_from_json(binding: Mapping[str, str]) -> Term:
    """A term of the SPARQL 1.1 JSON results format (``typed-literal`` included, as Virtuoso sends)."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return Term("uri", value)
    if kind == "bnode":
        return Term("bnode", value)
    lang = binding.get("xml:lang")
    datatype = None if lang or binding.get("datatype") == XSD + "string" else binding.get("datatype")
    return Term("literal", canonical_lexical(value, datatype), datatype, lang)


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


def _url(response: httpx.Response) -> str:
    return str(response.request.url.copy_with(query=None))


def _check_complete(response: httpx.Response) -> None:
    state = response.headers.get("x-sql-state")
    if response.status_code == 206 or state:
        message = response.headers.get("x-sql-message", "").strip()
        detail = f" ({state}: {message})" if state else " (HTTP 206)"
        raise IncompleteResult(f"{_url(response)}: partial results{detail}")


def _check_row_cap(response: httpx.Response, result: QueryResult) -> None:
    cap = response.headers.get("x-sparql-maxrows", "").strip()
    if cap.isdigit() and len(result.rows) >= int(cap):
        raise IncompleteResult(
            f"{_url(response)}: partial results: the endpoint cuts answers at {cap} rows (X-SPARQL-MaxRows) "
            f"and sent {len(result.rows)}; page through the answer with --page-size N (N below {cap})"
        )


def _request(session: httpx.Client, url: str, text: str, kind: str, graphs: tuple[list[str], list[str]]) -> QueryResult:
    response = http.send(
        session,
        "POST",
        url,
        what="the query",
        data={"query": text, "default-graph-uri": graphs[0], "named-graph-uri": graphs[1]},
        headers={"Accept": GRAPH_TYPES if kind == "CONSTRUCT" else SPARQL_JSON},
    )
    _check_complete(response)
    if kind == "CONSTRUCT":
        return _graph_result(response)
    try:
        result = result_from_json(response.json())
    except (ValueError, KeyError, TypeError) as exc:
        raise http.EndpointError(f"{url}: not a SPARQL JSON results document ({exc})") from None
    _check_row_cap(response, result)
    return result


def check_pageable(text: str) -> None:
    """A usage error unless ``text`` is a SELECT query whose final ``ORDER BY`` fixes the pages:
    with ``ORDER BY``, without ``LIMIT``, ``OFFSET`` or a final ``VALUES`` clause."""
    from rdflib.plugins.sparql.parser import parseQuery

    query = parseQuery(text)[1]
    if query.name != "SelectQuery" or "orderby" not in query:
        raise UsageError(
            "--page-size needs a SELECT query with ORDER BY: the pages of an unordered answer may overlap or miss rows"
        )
    if "limitoffset" in query or "valuesClause" in query:
        raise UsageError("--page-size: the query has its own LIMIT, OFFSET or final VALUES clause; page it yourself")


def send_query(
    session: httpx.Client,
    url: str,
    text: str,
    kind: str,
    default_graphs: Iterable[str] = (),
    named_graphs: Iterable[str] = (),
    page_size: int | None = None,
) -> QueryResult:
    """POST a query (URL-encoded, as the SPARQL 1.1 Protocol allows) and convert the answer.

    With ``page_size``, a SELECT query with ORDER BY is sent page by page (``LIMIT page_size
    OFFSET k``) and the pages are joined; the answer is whole or an error either way.
    """
    graphs = (list(default_graphs), list(named_graphs))
    if page_size is None:
        return _request(session, url, text, kind, graphs)
    check_pageable(text)
    answer: QueryResult | None = None
    while True:
        offset = len(answer.rows) if answer else 0
        page = _request(session, url, f"{text}\nLIMIT {page_size} OFFSET {offset}", kind, graphs)
        if answer is None:
            answer = page
        else:
            answer.rows.extend(page.rows)
        if len(page.rows) < page_size:
            return answer
