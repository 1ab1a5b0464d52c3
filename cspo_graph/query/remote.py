"""Running queries on a remote SPARQL 1.1 Protocol endpoint.

The query is checked exactly as a local one (:func:`cspo_graph.sparql.prepare`:
no updates; no SERVICE unless allowed) before anything is sent, and only the
endpoint is contacted. The answer becomes the same engine-neutral
:class:`~cspo_graph.results.QueryResult`, so every output format applies.

Differences from a local run, by design:

- prefixes cspo-graph knows (``cspo:``, ``rdfs:``, ...) are declared for the
  endpoint when the query uses them without declaring them;
- ``--param`` values are sent as a ``VALUES`` block at the start of the query's
  WHERE group, where a local run binds them too;
- an answer the endpoint marks as incomplete (HTTP 206, or Virtuoso's
  ``X-SQL-State`` header on a query that hit a limit) is an error, not a result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from cspo_graph import resources
from cspo_graph.errors import UsageError
from cspo_graph.query.results import XSD, QueryResult, Term, term_from_rdflib
from cspo_graph.stores import http

if TYPE_CHECKING:
    import httpx
    import rdflib

SPARQL_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_KINDS = {
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

    from cspo_graph.rdf.parsing import check_xml, format_for_media_type

    fmt = format_for_media_type(response.headers.get("content-type", ""))
    if fmt.xml:
        check_xml(response.content, str(response.url))
    return pyoxigraph.parse(response.content, getattr(pyoxigraph.RdfFormat, fmt.oxigraph))


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
    session: httpx.Client, url: str, text: str, kind: str, default_graphs: Iterable[str] = ()
) -> QueryResult:
    """POST a query (URL-encoded, as the SPARQL 1.1 Protocol allows) and convert the answer."""
    response = http.send(
        session,
        "POST",
        url,
        what="the query",
        data={"query": text, "default-graph-uri": list(default_graphs)},
        headers={"Accept": GRAPH_TYPES if kind == "CONSTRUCT" else SPARQL_JSON},
    )
    _check_complete(response)
    if kind == "CONSTRUCT":
        return _graph_result(response)
    try:
        return result_from_json(response.json())
    except (ValueError, KeyError, TypeError) as exc:
        raise http.EndpointError(f"{url}: not a SPARQL JSON results document ({exc})") from None


def with_prefixes(text: str, declared: Iterable[str]) -> str:
    """``text`` with a PREFIX declaration for each known prefix it does not declare."""
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in resources.PREFIXES.items() if p not in set(declared)]
    return "\n".join([*missing, text])


_TOKENS = re.compile(
    r"""(?P<skip>\#[^\n]*
        |"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'
        |<[^<>"{}|^`\\\s]*>)
      |(?P<open>\{)|(?P<close>\})|(?P<lparen>\()|(?P<rparen>\))
      |(?<![?$\w:])(?P<where>WHERE)\b""",
    re.X | re.I,
)


def where_position(text: str, kind: str) -> int:
    """The offset just after the ``{`` that opens the query's top-level WHERE group."""
    braces = parens = 0
    where_seen = False
    for token in _TOKENS.finditer(text):
        group = token.lastgroup
        if group == "where" and braces == parens == 0:
            where_seen = True
        elif group == "open":
            if braces == parens == 0 and (where_seen or kind != "CONSTRUCT"):
                return token.end()
            braces += 1
        elif group == "close":
            braces -= 1
        elif group in ("lparen", "rparen"):
            parens += 1 if group == "lparen" else -1
    raise UsageError("--param with --endpoint: cannot find the query's WHERE clause")


def with_values(text: str, kind: str, params: Mapping[str, rdflib.term.Node]) -> str:
    """``text`` with a VALUES block binding ``params`` first in its WHERE group.

    That is where a local run binds them too: before any grouping, so every
    variable of the WHERE clause can be bound, projected or not.
    """
    if not params:
        return text
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(term_from_rdflib(value).n3() for value in params.values())  # type: ignore[union-attr]
    at = where_position(text, kind)
    return f"{text[:at]} VALUES ({names}) {{ ({values}) }}{text[at:]}"


def run_remote(
    url: str,
    text: str,
    *,
    params: Mapping[str, rdflib.term.Node] | None = None,
    default_graphs: Iterable[str] = (),
    allow_service: bool = False,
    source: str = "<query>",
    timeout: float = http.DEFAULT_TIMEOUT,
) -> QueryResult:
    """Check a query like a local one, then run it on the endpoint at ``url``."""
    from rdflib.plugins.sparql.parser import parseQuery

    from cspo_graph.query.sparql import check_params, prepare

    query = prepare(text, source=source, allow_service=allow_service)
    check_params(query, params or {})
    kind = _KINDS[query.algebra.name]
    prologue = parseQuery(text)[0]
    declared = [str(decl.prefix) for decl in prologue if getattr(decl, "name", "") == "PrefixDecl"]
    body = with_prefixes(with_values(text, kind, params or {}), declared)
    graphs = [http.check_iri(iri) for iri in default_graphs]
    with http.client(timeout=timeout) as session:
        return send_query(session, http.check_url(url), body, kind, graphs)
