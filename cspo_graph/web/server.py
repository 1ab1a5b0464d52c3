"""Listening and serving: the socket ``cspo-graph serve`` binds, and uvicorn's limits on connections.

A connection may be open without a request for at most ``idle_timeout`` seconds:
uvicorn closes a kept-alive connection after a response, and :class:`Connection`
also closes one that was just opened, or sends its request head slowly, so idle or
slow sockets cannot pile up. There is no cap on connections that would turn
requests away (uvicorn's ``limit_concurrency`` answers 503 once that many sockets
are open, idle ones included): the work they ask for is what is bounded
(:class:`cspo_graph.web.app.Limits`).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import TYPE_CHECKING

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from cspo_graph.errors import CspoError, UsageError

if TYPE_CHECKING:
    import asyncio

    from starlette.applications import Starlette

IDLE_TIMEOUT = 5
"""Seconds a connection may wait for (or trickle in) its next request head."""


class Connection(H11Protocol):
    """uvicorn's HTTP/1.1 connection, closed when its request head has not come whole in time."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's own
        super().connection_made(transport)
        self._await_request()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE:
            self._await_request()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # cancels the idle timer
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if waiting and self.timeout_keep_alive_task is None:
            remaining = max(0.0, self._deadline - self.loop.time())
            self.timeout_keep_alive_task = self.loop.call_later(remaining, self.timeout_keep_alive_handler)

    def _await_request(self) -> None:
        """Start the time the next request head has to arrive in."""
        self._deadline = self.loop.time() + self.timeout_keep_alive
        if self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )


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
        http=Connection,
        log_level="warning",
        lifespan="off",
        server_header=False,
        timeout_keep_alive=idle_timeout,
        backlog=1024,
        h11_max_incomplete_event_size=max_request_head,
    )
    uvicorn.Server(config).run(sockets=[sock])
