"""A process-wide guard that keeps a command off the network unless it opted in.

Defence in depth behind the checks made on the input itself (SERVICE refused on
the query algebra, no graph loading for FROM, no remote JSON-LD contexts, no
DTDs): while a command runs (:func:`guarded`), an audit hook
(:func:`sys.addaudithook`) refuses outbound connections, datagrams, host-name
lookups and URL opens, in every thread. A command given a network option calls
:func:`allow_network` first. Binding, listening and accepting are never refused,
so a server on a loopback port keeps working; looking up a numeric address or
``localhost`` involves no DNS and is allowed too.

Audit hooks cannot be removed, so the hook is installed once and does nothing
outside :func:`guarded` (tests that run commands in-process keep their network).
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cspo_graph.errors import CspoError

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class NetworkRefused(CspoError):
    """The running command tried to reach the network without being allowed to."""


class _State:
    """How many guarded commands run, and whether one of them allowed the network."""

    lock = threading.Lock()
    depth = 0
    allowed = False
    installed = False


def _inet(sock: Any) -> bool:
    return getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6)


def _needs_dns(host: Any) -> bool:
    if host is None:
        return False
    name = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
    if name.lower() in _LOCAL_NAMES:
        return False
    try:
        ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return True
    return False


def _describe(event: str, args: tuple[Any, ...]) -> str | None:
    """What ``event`` would reach on the network, or ``None`` when it reaches nothing."""
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        return f"connection to {args[1]!r}" if _inet(args[0]) and args[1] is not None else None
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        return f"host name lookup of {args[0]!r}" if _needs_dns(args[0]) else None
    if event == "urllib.Request":
        return f"opening {args[0]}"
    if event == "http.client.connect":
        return f"HTTP connection to {args[1]}:{args[2]}"
    return None


_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "urllib.Request",
        "http.client.connect",
    }
)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event not in _EVENTS or _State.depth == 0 or _State.allowed:
        return
    target = _describe(event, args)
    if target is not None:
        raise NetworkRefused(
            f"network access refused ({target}): cspo-graph reaches the network only for a "
            "command given a network option such as --allow-service"
        )


@contextmanager
def guarded() -> Iterator[None]:
    """Refuse network access for the duration of the block (unless :func:`allow_network` is called)."""
    with _State.lock:
        if not _State.installed:
            sys.addaudithook(_hook)
            _State.installed = True
        if _State.depth == 0:
            _State.allowed = False  # each command starts without the network
        _State.depth += 1
    try:
        yield
    finally:
        with _State.lock:
            _State.depth -= 1
            if _State.depth == 0:
                _State.allowed = False


def allow_network() -> None:
    """Let the running command reach the network (called by commands given a network option)."""
    _State.allowed = True
