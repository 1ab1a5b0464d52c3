"""The app behind ``cspo-graph serve``: its routes, and the checks every request goes through.

The SPARQL Protocol's parameters are read by :mod:`cspo_graph.web.protocol`, the result
format chosen by :mod:`cspo_graph.web.negotiation` and the socket served by
:mod:`cspo_graph.web.server`. Routes:

- ``/sparql``: a read-only SPARQL 1.1 Protocol endpoint (GET ``?query=``, POST a
  ``query=`` form or an ``application/sparql-query`` body); the result format is
  negotiated from the Accept header (or named by ``?format=``) and written by
  :func:`cspo_graph.query.render.render`, so the endpoint and the CLI answer alike;
- ``/queries`` (the library as JSON) and ``/queries/NAME`` (run a library query by
  name; other URL parameters bind its variables, typed as ``--param`` values);
- ``/graph/views`` (the graph views of :mod:`cspo_graph.views.catalog`) and ``/graph``
  (``?view=NAME``, or a CONSTRUCT ``query=``): the nodes and edges the page draws,
  as :func:`cspo_graph.views.html.page_data` gives them;
- ``/``: the web page (query editor, results table, downloads, graph), served with
  its assets by this app alone (vis-network is pyvis's copy, as in ``cspo-graph
  graph``): no CDN, so it works with no network.

Every query goes through the engine (:func:`cspo_graph.query.engines.open_engine`),
which refuses updates and SERVICE and evaluates each query in a network-isolated
worker process of its pool, killed at the time limit (HTTP 503) and replaced, so a
runaway query stops and the server keeps serving. Requests are bounded (body and URL
size, concurrent work), and must name this server's host (a page elsewhere cannot
reach it through DNS rebinding).

Why Starlette on uvicorn for the HTTP layer:

- rdflib-endpoint (FastAPI) was the obvious candidate, but it runs rdflib's
  ``graph.query`` itself (not our engines: no SERVICE refusal, no typed
  parameters, no shared formats), evaluates queries on the event loop (one slow
  query stalls every other request), has no timeout or size limits, and its page
  loads YASGUI from a CDN, which breaks the offline requirement. It also brings
  FastAPI and pydantic along.
- The standard library's ``http.server`` is documented as not meant for production
  ("only implements basic security checks"): no request-size or header limits, no
  keep-alive discipline, and everything else (routing, form decoding, streaming
  bodies) would be written here by hand.
- Starlette (routing, requests, responses, static files, a host-header guard) and
  uvicorn (an HTTP/1.1 server, here on uvloop and httptools, with keep-alive and concurrency
  limits) are small, widely used and well kept, and they leave the SPARQL part
  to this project's own engines and ``render``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from cspo_graph import resources
from cspo_graph.errors import CspoError, InputError, QueryTimeout, UsageError
from cspo_graph.query.engines import Engine
from cspo_graph.query.engines import Request as EngineRequest
from cspo_graph.query.engines.memory import RdflibEngine
from cspo_graph.query.library import NamedQuery, query_library
from cspo_graph.query.params import parse_term
from cspo_graph.query.results import Term
from cspo_graph.query.sparql import ReadOnlyError, ServiceRefused
from cspo_graph.web import entities, workbench
from cspo_graph.web.negotiation import Negotiated, NotAcceptable
from cspo_graph.web.protocol import QueryOperation, query_base, query_operation, read_parameters

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from cspo_graph.views.catalog import View

WEB = Path(__file__).resolve().parent
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

ERROR_STATUS: dict[type[Exception], int] = {
    ReadOnlyError: 403,
    ServiceRefused: 403,
    NotAcceptable: 406,
    QueryTimeout: 503,
    InputError: 400,
    UsageError: 400,
    CspoError: 400,
}
"""HTTP status for each library error (the most specific class found in the error's MRO wins)."""

ERROR_MESSAGES: dict[type[Exception], str] = {
    ReadOnlyError: "SPARQL Update is refused: this endpoint is read-only",
    ServiceRefused: "SERVICE clauses reach the network and are refused by this endpoint",
}
"""Messages that replace the CLI's wording where it would name a CLI option."""

CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; script-src 'self'; style-src 'self' {' '.join(workbench.STYLE_HASHES)}; "
    "img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server."""

    max_body: int = 1 << 20
    """Bytes in a POST body (413 beyond)."""
    max_url_query: int = 32 << 10
    """Bytes in the URL's query string (414 beyond)."""
    timeout: float | None = 30.0
    """Seconds a query may run, results written included (503 beyond)."""
    workers: int = 8
    """Requests worked on at once (each query in its own worker process); more wait their turn."""

    @property
    def max_request_head(self) -> int:
        """Bytes in a request line and headers (a URL at its limit fits, twice over for escapes)."""
        return 2 * self.max_url_query + (16 << 10)


class SecurityHeaders:
    """ASGI middleware adding the Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HostCheck:
    """ASGI middleware refusing (400) requests whose Host header names none of ``allowed``.

    A Host may carry a port, and an IPv6 address stands in brackets (``[::1]:8000``).
    """

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = {host.lower() for host in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "*" not in self.allowed and not self.accepts(Headers(scope=scope).get("host")):
            await PlainTextResponse("Invalid host header\n", status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def accepts(self, header: str | None) -> bool:
        try:
            host = urlsplit(f"//{header}").hostname
        except ValueError:
            return False
        return host is not None and host in self.allowed


def error_status(exc: Exception) -> int:
    """The HTTP status a library error is answered with."""
    return next((ERROR_STATUS[cls] for cls in type(exc).__mro__ if cls in ERROR_STATUS), 500)


def error_message(exc: Exception) -> str:
    """The one-line message a library error is answered with."""
    return next((ERROR_MESSAGES[cls] for cls in type(exc).__mro__ if cls in ERROR_MESSAGES), str(exc))


async def _library_error(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(error_message(exc) + "\n", status_code=error_status(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return PlainTextResponse(f"{exc.detail}\n", status_code=exc.status_code, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(f"unexpected {type(exc).__name__}: {exc}\n", status_code=500)


class Endpoint:
    """The SPARQL answering part of the app: the engine, the library, the limits."""

    def __init__(self, engine: Engine, limits: Limits) -> None:
        import anyio

        self.engine = engine
        self.limits = limits
        self.library: dict[str, NamedQuery] = {q.name: q for q in query_library()}
        self.workers = anyio.CapacityLimiter(limits.workers)
        """Requests worked on at once (a query waits here for its turn, not in a thread)."""

    async def answer(
        self,
        operation: QueryOperation,
        *,
        accept: str | None,
        base: str,
        params: dict[str, Term] | None = None,
        source: str = "query",
    ) -> Response:
        """Run the query and write its result in the format the request asks for (both in a worker)."""

        request = self.request(operation, params or {}, source, base)
        async with self.workers:
            written = await self.engine.answer_async(request, Negotiated(accept, operation.formats))
        return Response(written.text, media_type=written.media_type, headers={"vary": "Accept"})

    def request(self, operation: QueryOperation, bindings: dict[str, Term], source: str, base: str) -> EngineRequest:
        """What the engine is asked: the query with its bindings, dataset, base IRI and time limit."""
        return EngineRequest(
            operation.query,
            source,
            bindings,
            timeout=self.limits.timeout,
            default_graphs=operation.default_graphs,
            named_graphs=operation.named_graphs,
            base=base,
        )

    def in_memory(self) -> RdflibEngine:
        """The engine, when it holds the data in memory, as the graph views and entity pages need (else 501)."""
        if not isinstance(self.engine, RdflibEngine):
            raise HTTPException(501, "graph views need the data in memory: serve with --data, not --store")
        return self.engine

    async def bounded(self, work: Callable[[], Any], what: str) -> Any:
        """``work()`` in a thread; its queries run in the engine's workers, stopped at the time limit."""
        from anyio import to_thread

        return await to_thread.run_sync(work, limiter=self.workers)

    async def parameters(self, request: Request) -> Any:
        """The request's parameters, within the size limits."""
        return await read_parameters(request, max_url_query=self.limits.max_url_query, max_body=self.limits.max_body)

    async def sparql(self, request: Request) -> Response:
        """``/sparql``: the SPARQL 1.1 Protocol query operation."""
        operation = query_operation(await self.parameters(request))
        return await self.answer(operation, accept=request.headers.get("accept"), base=query_base(request))

    async def list_queries(self, request: Request) -> Response:
        """``/queries``: the query library."""
        return JSONResponse(
            [
                {
                    "name": q.name,
                    "title": q.title,
                    "description": q.description,
                    "url": f"/queries/{q.name}",
                    "text": q.text,
                }
                for q in self.library.values()
            ]
        )

    async def run_named(self, request: Request) -> Response:
        """``/queries/NAME``: run a library query; other URL parameters bind its variables."""
        name = request.path_params["name"]
        named = self.library.get(name)
        if named is None:
            raise HTTPException(404, f"no query {name!r} in the library ({', '.join(self.library)})")
        if len(request.url.query.encode()) > self.limits.max_url_query:
            raise HTTPException(414, f"the URL's query string is over {self.limits.max_url_query} bytes")
        bindings = {
            key.lstrip("?$"): parse_term(value, f"{key}={value}")
            for key, value in request.query_params.items()
            if key != "format"
        }
        return await self.answer(
            QueryOperation(named.text, formats=tuple(request.query_params.getlist("format"))),
            accept=request.headers.get("accept"),
            base=named.base,  # the query file's, as `cspo-graph query NAME` has it
            params=bindings,
            source=f"queries/{name}.rq",
        )

    async def list_views(self, request: Request) -> Response:
        """``/graph/views``: the graph views the page offers (none when answering from a store)."""
        from cspo_graph.views.catalog import VIEWS

        views = VIEWS.values() if isinstance(self.engine, RdflibEngine) else []
        return JSONResponse([{"name": v.name, "title": v.title, "description": v.description} for v in views])

    async def graph(self, request: Request) -> Response:
        """``/graph?view=NAME`` or ``/graph`` with a CONSTRUCT ``query=``: what the page's graph draws."""
        from cspo_graph.views.catalog import View, view_named

        params = await self.parameters(request)
        texts, names = params.getlist("query"), params.getlist("view")
        if len(texts) + len(names) != 1:
            raise UsageError("give exactly one of view=NAME and query=CONSTRUCT...")
        if names:
            view = view_named(names[0])
        else:
            view = View("query", "Your query", "", texts[0], source="query", base=query_base(request))
        engine = self.in_memory()
        timeout = self.limits.timeout
        return JSONResponse(await self.bounded(lambda: draw(engine, view, timeout), view.source))


def draw(engine: RdflibEngine, view: View, timeout: float | None) -> dict[str, Any]:
    """A view's nodes, edges and legend, with its title and description."""
    from cspo_graph.views.catalog import build
    from cspo_graph.views.html import page_data

    graph = build(engine, view, timeout=timeout)
    return {"title": view.title, "description": view.description, **page_data(graph)}


def _file(path: Path) -> Callable[[Request], Awaitable[Response]]:
    async def serve_file(request: Request) -> Response:
        return FileResponse(path)

    return serve_file


def vendor_routes() -> list[Route]:
    """vis-network's script and style sheet (pyvis's copy, found by :func:`cspo_graph.views.html.vis_network`)."""
    from cspo_graph.views.html import vis_network

    script, style = vis_network()

    def asset(text: str, media: str) -> Callable[[Request], Awaitable[Response]]:
        async def serve_asset(request: Request) -> Response:
            return Response(text, media_type=media, headers={"cache-control": "max-age=3600"})

        return serve_asset

    return [
        Route("/vendor/vis-network.min.js", asset(script, "text/javascript")),
        Route("/vendor/vis-network.css", asset(style, "text/css")),
    ]


async def _prefixes(request: Request) -> Response:
    return JSONResponse(resources.PREFIXES)


def create_app(engine: Engine, *, limits: Limits | None = None, host: str = "127.0.0.1") -> Starlette:
    """The ASGI app answering from ``engine``; requests must name ``host`` (or a loopback name)."""
    endpoint = Endpoint(engine, limits or Limits())
    allowed = ("*",) if host in ("0.0.0.0", "::", "") else (*LOOPBACK_HOSTS, host)
    routes = [
        Route("/", _file(WEB / "index.html")),
        Route("/sparql", endpoint.sparql, methods=["GET", "POST"]),
        Route("/queries", endpoint.list_queries),
        Route("/queries/{name}", endpoint.run_named),
        Route("/prefixes", _prefixes),
        Route("/graph/views", endpoint.list_views),
        Route("/graph", endpoint.graph, methods=["GET", "POST"]),
        *vendor_routes(),
        *workbench.routes(endpoint),
        *entities.routes(endpoint),
        Mount("/static", StaticFiles(directory=WEB / "static"), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(HostCheck, allowed=allowed)],
        exception_handlers={CspoError: _library_error, HTTPException: _http_error, Exception: _unexpected_error},
    )
