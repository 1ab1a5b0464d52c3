"""The routes behind the web page's workbench: the page's capped query endpoint and its assets.

- ``/page/sparql``: what the page's editor (YASGUI) queries. It answers like ``/sparql``
  but sends at most :data:`ROW_CAP` rows of a SELECT result, so that a query with 100,000
  rows does not freeze the browser; the ``X-Total-Rows`` and ``X-Shown-Rows`` headers say
  how many rows the result has and how many were sent (the page shows "showing N of M" and
  links to the full result on ``/sparql``).
- ``/page/cancel/ID``: stops the query the page sent with the ``X-Request-Id: ID`` header.
  Each query runs in a forked child (:func:`cspo_graph.runtime.deadline.call_with_deadline`);
  the child writes its process id into a pipe that the request holds, and a cancel kills
  that process, so the query stops on the server, not only in the browser. (When the
  engine's worker pool lands, this becomes a call on the pool.)
- ``/page/timeline.svg`` and ``/page/timeline.json``: the membership timeline
  (:mod:`cspo_graph.views.timeline`), as a chart and as the list of its bars with their sources.
- ``/page/graph.js`` and ``/page/graph.css``: the graph drawing script and style sheet
  of the exported pages (:mod:`cspo_graph.views.html`), so the page and ``cspo-graph graph``
  draw a view with the same code.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from dataclasses import dataclass, replace
from importlib import resources as package_files
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from cspo_graph.errors import CspoError, UsageError
from cspo_graph.query.render import media_type, render
from cspo_graph.query.sparql import ReadOnlyError
from cspo_graph.web.negotiation import choose_format

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


@dataclass
class Running:
    """A query the page may cancel: the read end of the pipe its process writes its id into."""

    pid_pipe: int
    pid: int | None = None

    def process_id(self) -> int | None:
        """The id of the process running the query, once it has written it."""
        if self.pid is None:
            try:
                text = os.read(self.pid_pipe, 32).decode()
            except BlockingIOError:
                return None
            self.pid = int(text) if text.isdigit() else None
        return self.pid


class Queries:
    """The queries the page has running, by request id."""

    def __init__(self) -> None:
        self.running: dict[str, Running] = {}

    def start(self, request_id: str) -> tuple[Running, int]:
        """Register a query; the returned write end is for the process that will run it."""
        if request_id in self.running:
            raise UsageError(f"a query with request id {request_id} is already running")
        read, write = os.pipe()
        os.set_blocking(read, False)
        running = self.running[request_id] = Running(read)
        return running, write

    def finish(self, request_id: str, running: Running, write: int) -> None:
        """Forget a query that has ended."""
        self.running.pop(request_id, None)
        os.close(running.pid_pipe)
        os.close(write)

    async def cancel(self, request_id: str) -> bool:
        """Kill the process running that query; false when no such query runs."""
        running = self.running.get(request_id)
        if running is None:
            return False
        for _ in range(50):  # the process may not have started yet
            pid = running.process_id()
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                return True
            await asyncio.sleep(0.02)
        raise CspoError("the query's process could not be found (the server runs queries without a time limit)")


def close_sockets() -> None:
    """In a query's forked child: close the server's sockets it inherited.

    Otherwise a keep-alive connection that the server closes stays open in the child (no FIN
    reaches the browser), the browser sends its next request (a cancel) on it, and nobody
    reads it until the query ends. The child answers through a pipe, not a socket.
    """
    import stat

    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.fstat(int(name)).st_mode):
                os.close(int(name))


def routes(endpoint: Endpoint) -> list[Route]:
    """The workbench's routes, answering from ``endpoint``'s data within its limits."""

    queries = Queries()

    async def cancel(request: Request) -> Response:
        request_id = request.path_params["id"]
        if not await queries.cancel(request_id):
            raise HTTPException(404, f"no query with request id {request_id} is running")
        return PlainTextResponse("stopped\n")

    async def page_sparql(request: Request) -> Response:
        params = await endpoint.protocol_params(request)
        if "update" in params:
            raise ReadOnlyError("update")
        texts = params.getlist("query")
        if len(texts) != 1:
            raise UsageError("give exactly one query: a 'query' parameter or an application/sparql-query body")
        accept = request.headers.get("accept")
        request_id = request.headers.get("x-request-id", "")
        server = os.getpid()
        pipe: int | None = None

        def work() -> tuple[str, str, int, int]:
            if os.getpid() != server:  # in the forked child
                close_sockets()
                if pipe is not None:  # say who runs the query
                    os.write(pipe, str(os.getpid()).encode())
            result = endpoint.data.query(texts[0], {}, "query")
            total = len(result.rows)
            shown = replace(result, rows=result.rows[:ROW_CAP])
            chosen = choose_format(accept, result.kind)
            return render(shown, chosen), media_type(result.kind, chosen), total, len(shown.rows)

        if not REQUEST_ID.fullmatch(request_id):
            body, media, total, sent = await endpoint.bounded(work, "query")
        else:
            running, pipe = queries.start(request_id)
            try:
                body, media, total, sent = await endpoint.bounded(work, "query")
            finally:
                queries.finish(request_id, running, pipe)
        headers = {"vary": "Accept", "x-total-rows": str(total), "x-shown-rows": str(sent)}
        return Response(body, media_type=media, headers=headers)

    templates = package_files.files("cspo_graph.views") / "templates"

    def asset(name: str, media: str) -> Route:
        text = (templates / name).read_text("utf-8")

        async def serve_asset(request: Request) -> Response:
            return Response(text, media_type=media, headers={"cache-control": "no-cache"})

        return Route(f"/page/{name}", serve_asset)

    async def timeline(request: Request) -> Response:
        from dataclasses import asdict

        from cspo_graph.views.timeline import membership_bars, render_svg

        dataset = endpoint.data.in_memory()
        bars = await endpoint.bounded(lambda: membership_bars(dataset), "timeline")
        if request.path_params["kind"] == "svg":
            return Response(render_svg(bars), media_type="image/svg+xml")
        return JSONResponse([asdict(bar) for bar in bars])

    return [
        Route("/page/timeline.{kind:str}", timeline),
        Route("/page/sparql", page_sparql, methods=["GET", "POST"]),
        Route("/page/cancel/{id}", cancel, methods=["POST"]),
        *(asset(name, media) for name, media in GRAPH_ASSETS.items()),
    ]
