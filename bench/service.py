"""Issue 11's measures of what a user waits for: the cold start, and ``serve`` under load.

Each measure runs next to its anchor in the same run (``bench/run.py`` prints them):
the cold start against a plain rdflib script, ``serve --store`` against Oxigraph's own
server, and ``serve`` alone under four runaway queries and 200 idle connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

from cspo_graph.query.library import resolve
from cspo_graph.rdf.parsing import builtin_files
from cspo_graph.stores.local import store_info

HOST = "127.0.0.1"
CLIENTS = 8
RUNAWAYS = 4
IDLE = 200
JSON = "application/sparql-results+json"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
"""A product of the data with itself four times: counted as it streams, it never ends
on the built-in data (about 10^15 rows) and holds no memory."""

PLAIN_RDFLIB = """
import sys
import rdflib

graph = rdflib.Dataset(default_union=True)  # the data is TriG: named graphs, queried as one
for path in sys.argv[2:]:
    graph.parse(path)
sys.stdout.write(graph.query(open(sys.argv[1], encoding="utf-8").read()).serialize(format="csv").decode())
"""
"""What a user writes with rdflib alone: import, parse the files, query, print CSV."""


def cspo_graph() -> str:
    """The ``cspo-graph`` script of this interpreter."""
    return str(Path(sys.executable).parent / "cspo-graph")


def founders() -> Path:
    return resolve("founders").path


# -- cold start ------------------------------------------------------------------------------


@dataclass
class Cold:
    cspo: float
    plain: float
    rows: tuple[int, int]
    """CSV lines printed by each (they must agree)."""


def cold_start(runs: int) -> Cold:
    """Fresh processes, alternating: ``cspo-graph query founders`` and the plain rdflib script."""
    cspo = [cspo_graph(), "query", "founders", "--format", "csv"]
    plain = [sys.executable, "-c", PLAIN_RDFLIB, str(founders()), *map(str, builtin_files())]
    times: dict[str, list[float]] = {"cspo": [], "plain": []}
    lines = {}
    for _ in range(runs):
        for name, command in (("cspo", cspo), ("plain", plain)):
            start = time.perf_counter()
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            times[name].append(time.perf_counter() - start)
            lines[name] = len(done.stdout.strip().splitlines())
    return Cold(statistics.median(times["cspo"]), statistics.median(times["plain"]), (lines["cspo"], lines["plain"]))


# -- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running(command: list[str], port: int, log: Path) -> Iterator[str]:
    """Start a server, wait until it answers, yield its base URL, stop it."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited: {log.read_text(errors='replace')[-500:]}")
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, headers={"Accept": JSON}, timeout=5)
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not answer within 60 s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_store(store: Path, port: int, timeout: float) -> list[str]:
    command = [cspo_graph(), "serve", "--store", str(store), "--port", str(port), "--timeout", f"{timeout:g}"]
    return [*command, "--host", HOST]


def oxigraph_server(database: Path, port: int, union: bool) -> list[str]:
    """Oxigraph's own server over the same database, with the default graph cspo-graph queries:
    the store's own when it holds the union of the graphs, else Oxigraph's union."""
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    command = [oxigraph, "serve-read-only", "--location", str(database), "--bind", f"{HOST}:{port}"]
    return command if union else [*command, "--union-default-graph"]


def answer_of(base: str, text: str) -> list[tuple[str, ...]]:
    """The rows a server answers, each cell's value; GROUP_CONCAT lists sorted (engines order them freely)."""
    response = httpx.get(f"{base}/sparql", params={"query": text}, headers={"Accept": JSON}, timeout=60)
    response.raise_for_status()
    body = response.json()
    names = body["head"]["vars"]
    return sorted(
        tuple("; ".join(sorted(row[n]["value"].split("; "))) if n in row else "" for n in names)
        for row in body["results"]["bindings"]
    )


# -- load ------------------------------------------------------------------------------------


@dataclass
class Load:
    rps: float
    requests: int
    failed: int
    """Non-2xx answers and connection errors."""
    tool: str


def load(url: str, seconds: float, clients: int = CLIENTS) -> Load:
    """Requests per second with ``clients`` concurrent keep-alive connections for ``seconds``."""
    wrk = shutil.which("wrk")
    if wrk:
        return _wrk(wrk, url, seconds, clients)
    return asyncio.run(_python_load(url, seconds, clients))


def _wrk(wrk: str, url: str, seconds: float, clients: int) -> Load:
    threads = min(2, clients)
    command = [wrk, "-t", str(threads), "-c", str(clients), "-d", f"{seconds:g}s", "-H", f"Accept: {JSON}", url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    total = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]  # wrk always prints it
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(non_2xx[1]) if non_2xx else 0) + (sum(map(int, errors.groups())) if errors else 0)
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out)[1])  # type: ignore[index]
    return Load(rps, total, failed, f"wrk -t{threads} -c{clients}")


async def _python_load(url: str, seconds: float, clients: int) -> Load:
    """A bounded client: ``clients`` tasks, each one keep-alive connection, one request at a time."""
    done = failed = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, headers={"Accept": JSON}, timeout=30) as client:

        async def one_client() -> None:
            nonlocal done, failed
            while time.perf_counter() < stop:
                try:
                    response = await client.get(url)
                    failed += not response.is_success
                except httpx.HTTPError:
                    failed += 1
                done += 1

        start = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return Load(done / elapsed, done, failed, f"python httpx, {clients} connections")


# -- serve under runaway queries and idle connections ----------------------------------------


def ask_under_runaways(base: str, asks: int, settle: float) -> tuple[list[float], int]:
    """Start four runaway queries, then time ``asks`` ``ASK {}`` one after another.

    Returns the ASK latencies and how many of them failed."""

    def runaway() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"{base}/sparql", params={"query": RUNAWAY}, headers={"Accept": JSON}, timeout=600)

    threads = [threading.Thread(target=runaway, daemon=True) for _ in range(RUNAWAYS)]
    for thread in threads:
        thread.start()
    time.sleep(settle)
    latencies, failed = [], 0
    with httpx.Client(headers={"Accept": JSON}, timeout=120) as client:
        for _ in range(asks):
            start = time.perf_counter()
            try:
                failed += not client.get(f"{base}/sparql", params={"query": "ASK {}"}).is_success
            except httpx.HTTPError:
                failed += 1
            latencies.append(time.perf_counter() - start)
    for thread in threads:
        thread.join()  # the server's time limit stops them
    return latencies, failed


@dataclass
class Idle:
    requests: int
    denied: int
    still_open: int
    """Idle connections the server had not closed at the end."""


def idle_connections(base: str, port: int, hold: float, text: str) -> Idle:
    """Hold ``IDLE`` connections that send nothing for ``hold`` seconds; meanwhile make a
    request every 0.1 s on a new connection and count those not answered 200."""
    idle = [socket.create_connection((HOST, port), timeout=10) for _ in range(IDLE)]
    requests = denied = 0
    url = f"{base}/sparql?query={quote(text)}"
    try:
        stop = time.monotonic() + hold
        while time.monotonic() < stop:
            requests += 1
            try:
                denied += httpx.get(url, headers={"Accept": JSON}, timeout=30).status_code != 200
            except httpx.HTTPError:
                denied += 1
            time.sleep(0.1)
        still_open = sum(_open(sock) for sock in idle)
    finally:
        for sock in idle:
            sock.close()
    return Idle(requests, denied, still_open)


def _open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


# -- the whole measure -----------------------------------------------------------------------


def measure(work: Path, quick: bool) -> dict:
    """Every measure of issue 11, as a JSON-able report (``report`` renders it)."""
    runs, seconds, hold, asks = (3, 3.0, 5.0, 3) if quick else (10, 10.0, 30.0, 5)
    result: dict = {"quick": quick}
    cold = cold_start(runs)
    result["cold"] = cold.__dict__ | {"runs": runs}
    store = work / "store"
    subprocess.run([cspo_graph(), "load", "builtin", "--store", str(store)], check=True, capture_output=True)
    database, info = work / "oxigraph-db", store_info(store)
    shutil.copytree(info.database, database)  # the same data, in a database of its own
    text = founders().read_text(encoding="utf-8")
    port_cspo, port_ox = free_port(), free_port()
    with (
        running(serve_store(store, port_cspo, 60), port_cspo, work / "serve.log") as cspo,
        running(oxigraph_server(database, port_ox, info.union), port_ox, work / "oxigraph.log") as oxigraph,
    ):
        result["same_rows"] = answer_of(cspo, text) == answer_of(oxigraph, text)
        rounds = {"serve --store": [], "oxigraph serve": []}
        for _ in range(1 if quick else 3):
            for name, base in (("serve --store", cspo), ("oxigraph serve", oxigraph)):
                rounds[name].append(load(f"{base}/sparql?query={quote(text)}", seconds).__dict__)
        result["throughput"] = rounds
    timeout = 8.0 if quick else 20.0
    port = free_port()
    with running(serve_store(store, port, timeout), port, work / "serve-runaway.log") as base:
        latencies, failed = ask_under_runaways(base, asks, settle=1.0)
        result["runaway"] = {"latencies": latencies, "failed": failed, "timeout": timeout}
    port = free_port()
    with running(serve_store(store, port, 60), port, work / "serve-idle.log") as base:
        result["idle"] = idle_connections(base, port, hold, text).__dict__ | {"hold": hold}
    return result


def report(result: dict) -> tuple[list[str], list[str]]:
    """Markdown lines of the tables, and the target lines (met or MISSED, with the numbers)."""
    lines, targets = [], []
    cold = result["cold"]
    ratio = cold["cspo"] / cold["plain"]
    lines += [
        f"### Cold start: `query founders` against plain rdflib (median of {cold['runs']} fresh processes each)",
        "",
        "| command | median | ratio |",
        "|---|---|---|",
        f"| `cspo-graph query founders --format csv` | {cold['cspo'] * 1000:.0f} ms | x{ratio:.2f} |",
        f"| plain rdflib script: import, parse the built-in files, query, print CSV | {cold['plain'] * 1000:.0f} ms "
        "| x1.00 |",
        "",
    ]
    agree = "" if cold["rows"][0] == cold["rows"][1] else f" (**lines differ: {cold['rows']}**)"
    verdict = _verdict(ratio <= 1.3)
    targets.append(f"- cold `query founders` / plain rdflib = {ratio:.2f} (target ≤ 1.3: {verdict}){agree}")
    rounds = result["throughput"]
    best = {name: statistics.median(r["rps"] for r in runs) for name, runs in rounds.items()}
    share = best["serve --store"] / best["oxigraph serve"]
    tool = rounds["serve --store"][0]["tool"]
    lines += [
        f"### `serve --store` against Oxigraph's server: the founders query, {CLIENTS} concurrent clients ({tool})",
        "",
        "| server | requests/s (median of rounds) | rounds | failed requests | ratio |",
        "|---|---|---|---|---|",
    ]
    for name, runs in rounds.items():
        each = ", ".join(f"{r['rps']:.0f}" for r in runs)
        failed = sum(r["failed"] for r in runs)
        ratio = best[name] / best["oxigraph serve"]
        lines.append(f"| `{name}` | {best[name]:.0f} | {each} | {failed} | x{ratio:.2f} |")
    lines.append("")
    same = "" if result["same_rows"] else " (**the two servers' rows differ**)"
    targets.append(
        f"- `serve --store` / `oxigraph serve`, requests/s = {share:.2f} (target ≥ 0.5: {_verdict(share >= 0.5)}){same}"
    )
    runaway = result["runaway"]
    worst = max(runaway["latencies"])
    lines += [
        f"### `ASK {{}}` while {RUNAWAYS} runaway queries run against `serve --store` (time limit "
        f"{runaway['timeout']:g} s)",
        "",
        "| ASK latencies | failed |",
        "|---|---|",
        f"| {', '.join(f'{x * 1000:.0f} ms' for x in runaway['latencies'])} | {runaway['failed']} |",
        "",
    ]
    ok = worst <= 0.5 and not runaway["failed"]
    targets.append(
        f"- slowest `ASK {{}}` under {RUNAWAYS} runaway queries = {worst:.3f} s (target ≤ 0.5 s: {_verdict(ok)})"
    )
    idle = result["idle"]
    lines += [
        f"### {IDLE} idle connections held for {idle['hold']:g} s while the founders query is asked",
        "",
        "| requests | denied | idle connections still open at the end |",
        "|---|---|---|",
        f"| {idle['requests']} | {idle['denied']} | {idle['still_open']} of {IDLE} |",
        "",
    ]
    targets.append(
        f"- {IDLE} idle connections for {idle['hold']:g} s: {idle['denied']} of {idle['requests']} requests denied "
        f"(target 0: {_verdict(idle['denied'] == 0 and idle['requests'] > 0)})"
    )
    return lines, targets


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"
