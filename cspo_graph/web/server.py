"""Listening and serving: the socket ``cspo-graph serve`` binds, and uvicorn's limits on connections.

uvicorn runs on uvloop with the httptools parser (both C: the HTTP layer is most of what a
quick query costs the server). A connection may be open without a request for at most
``idle_timeout`` seconds: uvicorn closes a kept-alive connection after a response, and
:class:`Connection` also closes one that was just opened, or sends its request head
slowly, and refuses a head over ``max_request_head`` bytes, so idle, slow or bloated
requests cannot pile up. There is no cap on connections that would turn requests away
(uvicorn's ``limit_concurrency`` answers 503 once that many sockets are open, idle ones
included): the work they ask for is what is bounded (:class:`cspo_graph.web.app.Limits`).
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from typing import TYPE_CHECKING, Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from cspo_graph.errors import CspoError, UsageError

if TYPE_CHECKING:
    import asyncio

    from starlette.applications import Starlette

IDLE_TIMEOUT = 5
"""Seconds a connection may wait for (or trickle in) its next request head."""


class HeadTooLarge(Exception):
    """A request line and headers over the limit (httptools answers it with a 400 and closes)."""


class Connection(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 connection, closed when its request head has not come whole in time,
    and refused when the head is over ``max_head`` bytes."""

    def __init__(self, *args: Any, max_head: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_head = max_head
        self._head = 0
        self._in_head = True
        self._deadline = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's own
        super().connection_made(transport)
        _send_without_delay(transport)
        self._await_request()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # arms the keep-alive timer when no request is pipelined
        if not self.pipeline:
            self._await_request()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # cancels the idle timer
        if self._in_head and not self.transport.is_closing() and self.timeout_keep_alive_task is None:
            remaining = max(0.0, self._deadline - self.loop.time())
            self.timeout_keep_alive_task = self.loop.call_later(remaining, self.timeout_keep_alive_handler)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head, self._head = True, 0

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def _count(self, size: int) -> None:
        self._head += size
        if self._head > self.max_head:
            raise HeadTooLarge(f"the request head is over {self.max_head} bytes")

    def _await_request(self) -> None:
        """Start the time the next request head has to arrive in."""
        self._in_head = True
        self._deadline = self.loop.time() + self.timeout_keep_alive
        if self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )


def _send_without_delay(transport: asyncio.Transport) -> None:
    """Turn Nagle's algorithm off on a connection (the socket handed to uvicorn is not one that
    asyncio or uvloop would do it for): with it on, every response on a kept-alive connection
    waits for the client's delayed ACK, about 40 ms."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


LOCAL_NAMES = ("localhost",)
"""Host names ``--host`` takes besides IP addresses (a name to look up would need DNS)."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host not in LOCAL_NAMES:
            raise UsageError(
                f"--host {host!r}: give an IP address of this machine (127.0.0.1, ::1, 0.0.0.0 for every one) "
                "or localhost"
            ) from None
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family, backlog=1024)
    except OSError as exc:
        raise CspoError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def url_of(sock: socket.socket) -> str:
    """The http URL a listening socket answers on."""
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def serve(app: Starlette, sock: socket.socket, *, max_request_head: int, idle_timeout: int = IDLE_TIMEOUT) -> None:
    """Serve ``app`` on ``sock`` until interrupted; a request head may hold ``max_request_head`` bytes."""
    import uvicorn

    config = uvicorn.Config(
        app,
        http=functools.partial(Connection, max_head=max_request_head),  # type: ignore[arg-type]  # a protocol factory
        loop="uvloop",
        log_level="warning",
        lifespan="off",
        server_header=False,
        timeout_keep_alive=idle_timeout,
        backlog=1024,
    )
    uvicorn.Server(config).run(sockets=[sock])
