"""A fault-injecting HTTP proxy on 127.0.0.1, in front of a real store.

Requests are numbered from 1 as they arrive (authentication challenges included).
The proxy forwards each one to the store unchanged, except:

- ``fail=N``: request N is answered ``status`` (503: a passing fault) with ``body``, and not
  forwarded; ``fail_carrying=BYTES`` does so to the first request whose body holds BYTES
  (``carrying`` counts the requests that held them);
- ``down_from=N``: request N and every later one are answered 503, not forwarded
  (the store went away);
- ``cut=N``: request N is forwarded and carried out, but its answer is cut short
  (the headers promise more body than is sent, then the connection closes);
- ``drop=N``: request N is forwarded, and the client's connection is closed at once,
  while the store is still working on it (the store's answer is thrown away).
"""

from __future__ import annotations

import http.server
import threading

import httpx

FORWARD = httpx.Client(timeout=120, trust_env=False)
"""One client for every proxy (making one loads the certificate store, which is slow)."""
HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive"}


class FaultProxy:
    """A running proxy; ``url`` replaces the store's base URL; ``seen`` counts requests."""

    def __init__(
        self,
        target: str,
        *,
        fail: int = 0,
        fail_carrying: bytes = b"",
        status: int = 503,
        body: bytes = b"",
        down_from: int = 0,
        cut: int = 0,
        drop: int = 0,
    ) -> None:
        proxy = self
        self.target, self.status, self.body = target, status, body
        self.fail_carrying, self.carrying = fail_carrying, 0
        self.fail, self.down_from, self.cut, self.drop = fail, down_from, cut, drop
        self.dropped: list[threading.Thread] = []
        self.seen = 0
        self.lock = threading.Lock()
        self.forward = FORWARD

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle_one(self) -> None:
                with proxy.lock:
                    proxy.seen += 1
                    number = proxy.seen
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                carries = bool(proxy.fail_carrying) and proxy.fail_carrying in body
                with proxy.lock:
                    proxy.carrying += carries
                    faulty = number == proxy.fail or (carries and proxy.carrying == 1)
                if faulty or (proxy.down_from and number >= proxy.down_from):
                    fault = proxy.body if faulty else b""
                    self.send_response(proxy.status if faulty else 503)
                    self.send_header("Content-Length", str(len(fault)))
                    self.end_headers()
                    self.wfile.write(fault)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                if number == proxy.drop:
                    request = (self.command, target + self.path)
                    send = threading.Thread(
                        target=proxy.forward.request, args=request, kwargs={"content": body, "headers": headers}
                    )
                    send.start()
                    proxy.dropped.append(send)
                    self.close_connection = True
                    return
                answer = proxy.forward.request(self.command, target + self.path, content=body, headers=headers)
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                content = answer.content
                if number == proxy.cut:
                    self.send_header("Content-Length", str(len(content) + 1))
                    self.end_headers()
                    self.wfile.write(content[: len(content) // 2])
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = handle_one

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for send in self.dropped:
            send.join()
        self.server.shutdown()
        self.server.server_close()
