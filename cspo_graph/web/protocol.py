"""The SPARQL 1.1 Protocol's query operation: reading its parameters from an HTTP request.

A query comes as ``GET ?query=``, as a POSTed ``application/x-www-form-urlencoded``
form, or as a POSTed ``application/sparql-query`` body (its other parameters then in
the URL). ``default-graph-uri`` and ``named-graph-uri`` (repeatable) set the query's
dataset, replacing its FROM and FROM NAMED as the Protocol says. ``format`` (not in
the Protocol, but sent by SPARQLWrapper, Virtuoso's and other clients) names the
result format, as a name or a media type, once or several times: see
:func:`cspo_graph.web.negotiation.choose_format`. Updates (an ``update`` parameter,
an ``application/sparql-update`` body) are refused: the endpoint is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.datastructures import MultiDict
from starlette.exceptions import HTTPException
from starlette.requests import Request

from cspo_graph.errors import UsageError
from cspo_graph.query.sparql import ReadOnlyError
from cspo_graph.stores.http import check_iri

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
DEFAULT_GRAPH = "default-graph-uri"
NAMED_GRAPH = "named-graph-uri"


@dataclass(frozen=True)
class QueryOperation:
    """One query operation as the request gives it."""

    query: str
    default_graphs: tuple[str, ...] = ()
    """``default-graph-uri`` values: the graphs whose merge is the query's default graph."""
    named_graphs: tuple[str, ...] = ()
    """``named-graph-uri`` values: the query's named graphs."""
    formats: tuple[str, ...] = ()
    """``format`` values: result formats the client names, by name or media type."""


async def read_parameters(request: Request, *, max_url_query: int, max_body: int) -> MultiDict:
    """The request's parameters: the URL's, plus a form or a query body for POST."""
    if len(request.url.query.encode()) > max_url_query:
        raise HTTPException(414, f"the URL's query string is over {max_url_query} bytes")
    items = list(request.query_params.multi_items())
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == UPDATE_BODY:
            raise ReadOnlyError("update")
        if content_type not in (FORM, QUERY_BODY):
            raise HTTPException(
                415,
                f"unsupported content type {content_type or '(none)'!r}: POST a query as "
                f"{FORM} (query=...) or as {QUERY_BODY}",
            )
        body = (await read_body(request, max_body)).decode("utf-8", errors="replace")
        items += parse_qsl(body, keep_blank_values=True) if content_type == FORM else [("query", body)]
    return MultiDict(items)


def query_operation(params: MultiDict) -> QueryOperation:
    """The query operation the parameters ask for (updates refused, exactly one non-empty query)."""
    if "update" in params:
        raise ReadOnlyError("update")
    texts = params.getlist("query")
    if len(texts) != 1:
        raise UsageError(f"give exactly one query: a 'query' parameter or an {QUERY_BODY} body")
    if not texts[0].strip():
        raise UsageError("the query is empty")
    return QueryOperation(
        texts[0],
        default_graphs=tuple(check_iri(iri, DEFAULT_GRAPH) for iri in params.getlist(DEFAULT_GRAPH)),
        named_graphs=tuple(check_iri(iri, NAMED_GRAPH) for iri in params.getlist(NAMED_GRAPH)),
        formats=tuple(params.getlist("format")),
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    too_large = HTTPException(413, f"the request body is over {limit} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def query_base(request: Request) -> str:
    """The base IRI of a query sent to this server (the page's included): its /sparql endpoint's URL,
    on every engine alike (with none, Oxigraph refuses a relative IRI that rdflib keeps as it is)."""
    return f"{request.base_url}sparql"
