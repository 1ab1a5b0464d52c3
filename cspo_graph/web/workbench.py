"""The routes behind the web page's workbench: the page's capped query endpoint and its assets.

- ``/page/sparql``: what the page's editor (YASGUI) queries. It answers like ``/sparql``
  but sends at most :data:`ROW_CAP` rows of a SELECT result, so that a query with 100,000
  rows does not freeze the browser; the ``X-Total-Rows`` and ``X-Shown-Rows`` headers say
  how many rows the result has and how many were sent (the page shows "showing N of M" and
  links to the full result on ``/sparql``).
- ``/page/cancel/ID``: stops the query the page sent with the ``X-Request-Id: ID`` header:
  the engine kills the worker process running it (:meth:`cspo_graph.query.engines.Engine.cancel`),
  so the query stops on the server, not only in the browser.
- ``/page/timeline.svg`` and ``/page/timeline.json``: the membership timeline
  (:mod:`cspo_graph.views.timeline`), as a chart and as the list of its bars with their sources.
- ``/page/graph.js`` and ``/page/graph.css``: the graph drawing script and style sheet
  of the exported pages (:mod:`cspo_graph.views.html`), so the page and ``cspo-graph graph``
  draw a view with the same code.
"""

from __future__ import annotations

import re
from importlib import resources as package_files
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from cspo_graph.errors import UsageError
from cspo_graph.query.engines import Request as EngineRequest
from cspo_graph.query.sparql import ReadOnlyError
from cspo_graph.web.negotiation import Negotiated
from cspo_graph.web.protocol import query_base

if TYPE_CHECKING:
    from starlette.requests import Request

    from cspo_graph.web.app import Endpoint

ROW_CAP = 10_000
"""The most rows of a SELECT result the page is sent."""

STYLE_HASHES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",
)
"""The only inline styles the page needs: the two fixed ``<style>`` elements that YASR's column
resizer (the column-resizer package in the YASGUI bundle) adds: its grip rules, and the
``*{cursor:col-resize!important}`` rule while a column is dragged. The Content-Security-Policy
allows these two by their SHA-256 (not 'unsafe-inline'); refresh them with the vendored YASGUI
(the browser test fails on any CSP violation)."""

GRAPH_ASSETS = {"graph.js": "text/javascript", "graph.css": "text/css"}
"""The files of ``views/templates`` the page loads, with their media types."""


REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
"""What a request id the page sends looks like (it makes them with crypto.randomUUID())."""


def routes(endpoint: Endpoint) -> list[Route]:
    """The workbench's routes, answering from ``endpoint``'s data within its limits."""

    async def cancel(request: Request) -> Response:
        request_id = request.path_params["id"]
        if not endpoint.engine.cancel(request_id):
            raise HTTPException(404, f"no query with request id {request_id} is running")
        return PlainTextResponse("stopped\n")

    async def page_sparql(request: Request) -> Response:
        params = await endpoint.parameters(request)
        if "update" in params:
            raise ReadOnlyError("update")
        texts = params.getlist("query")
        if len(texts) != 1:
            raise UsageError("give exactly one query: a 'query' parameter or an application/sparql-query body")
        accept = request.headers.get("accept")
        label = request.headers.get("x-request-id", "")
        if label and not REQUEST_ID.fullmatch(label):
            raise UsageError("an X-Request-Id is 8 to 64 letters, digits and dashes")

        base = query_base(request)
        query = EngineRequest(texts[0], "query", timeout=endpoint.limits.timeout, label=label, base=base)
        async with endpoint.workers:
            written = await endpoint.engine.answer_async(query, Negotiated(accept), row_cap=ROW_CAP)
        headers = {"vary": "Accept", "x-total-rows": str(written.rows), "x-shown-rows": str(written.shown)}
        return Response(written.text, media_type=written.media_type, headers=headers)

    async def timeline(request: Request) -> Response:
        from dataclasses import asdict

        from cspo_graph.views.timeline import membership_bars, render_svg

        engine = endpoint.in_memory()
        bars = await endpoint.bounded(lambda: membership_bars(engine, endpoint.limits.timeout), "timeline")
        if request.path_params["kind"] == "svg":
            return Response(render_svg(bars), media_type="image/svg+xml")
        return JSONResponse([asdict(bar) for bar in bars])

    templates = package_files.files("cspo_graph.views") / "templates"

    def asset(name: str, media: str) -> Route:
        text = (templates / name).read_text("utf-8")

        async def serve_asset(request: Request) -> Response:
            return Response(text, media_type=media, headers={"cache-control": "no-cache"})

        return Route(f"/page/{name}", serve_asset)

    return [
        Route("/page/timeline.{kind:str}", timeline),
        Route("/page/sparql", page_sparql, methods=["GET", "POST"]),
        Route("/page/cancel/{id}", cancel, methods=["POST"]),
        *(asset(name, media) for name, media in GRAPH_ASSETS.items()),
    ]
