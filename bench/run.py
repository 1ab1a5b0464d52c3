"""Benchmark: issue 11's targets, then load and the query library on synthetic graphs.

    python bench/run.py                          # everything (about 10 minutes here)
    python bench/run.py --quick                  # the same measures, shorter (under 3 minutes)
    python bench/run.py --sizes 10k,100k,1M      # the library on larger graphs too
    python bench/run.py --write docs/benchmarks.md

Measured side by side in one run, each against its anchor (ratios):

- cold start: ``cspo-graph query founders --format csv`` in a fresh process against a
  plain rdflib script doing the same (import rdflib, parse the built-in files, run the
  query, print CSV); runs alternate, medians compared;
- throughput: ``cspo-graph serve --store`` answering the founders query against
  Oxigraph's own server (``oxigraph serve-read-only`` of the PyPI package ``oxigraph``)
  on a copy of the same store, 8 concurrent keep-alive clients on loopback (``wrk``, or
  a bounded Python client when wrk is absent), requests per second;
- latency under load: ``ASK {}`` while four runaway queries run against ``serve``;
- idle connections: 200 open TCP connections that send nothing are held while requests
  are made; no request may be denied.

Then, for each ``--sizes`` graph made by ``bench/generate.py`` (seed 1), every library
query is run, in the same run, by:

- ``rdflib``: plain rdflib as a user would write it (``Dataset(default_union=True).parse``,
  ``dataset.query``);
- ``memory``: cspo-graph's default engine over ``--data`` (``open_engine(Source(files))``:
  rdflib over the files parsed by pyoxigraph, each query in a network-isolated worker);
- ``oxigraph-memory``: the same with ``--engine oxigraph`` (Oxigraph in memory);
- ``store``: cspo-graph's on-disk store (``cspo-graph load``, then
  ``open_engine(Source(store))``, answers converted to engine-neutral terms);
- ``pyoxigraph``: raw pyoxigraph, in memory (``Store().bulk_load``, ``store.query``);
- ``pyoxigraph-disk``: raw pyoxigraph on disk (``Store(path).bulk_load``, then read-only),
  the same storage as cspo-graph's store;
- ``oxrdflib`` (on request): rdflib's API over an on-disk Oxigraph store, the other
  backend the store could have used;
- ``roqet``: Debian's rasqal-utils, which parses the data again for every query: its
  query time is its whole run less its run on a query that returns at once.

Each engine runs in a process of its own; each query runs in a forked child that is
killed when it passes ``--timeout`` (recorded as "timed out"), and a query that timed
out on a size is skipped on the larger ones. A time is the median of ``--runs`` runs
(one run when the first takes more than 5 s). Peak memory is the largest resident set
of the engine's process and its query children (for the cspo-graph engines, of the
process that opened the engine: its query workers are not counted). Ratios are to raw pyoxigraph. Row
counts are checked against raw pyoxigraph's ("rows differ" marks a wrong answer).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import service  # noqa: E402
from bench.generate import generate  # noqa: E402
from cspo_graph.query.engines import Request, Source, open_engine  # noqa: E402
from cspo_graph.query.library import query_library  # noqa: E402

ENGINES = ("rdflib", "memory", "oxigraph-memory", "store", "pyoxigraph", "pyoxigraph-disk", "roqet")
OPTIONAL_ENGINES = ("oxrdflib",)
REFERENCE = "pyoxigraph"
ONE_RUN_AFTER = 5.0
"""A query whose first run takes longer is not repeated."""


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1M`` -> 1000000."""
    match = re.fullmatch(r"(\d+)([kKmM]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 10k, 100k, 1M)")
    return int(match[1]) * {"": 1, "k": 1000, "m": 1000000}[match[2].lower()]


def label(size: int) -> str:
    return f"{size // 1000000}M" if size % 1000000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


# -- the engines, as their users would call them ---------------------------------------------


def _rdflib(path: Path, work: Path) -> Callable[[str], int]:
    import rdflib

    graph = rdflib.Dataset(default_union=True)  # the library's GRAPH patterns need a dataset
    graph.parse(str(path), format="turtle")
    return lambda text: len(list(graph.query(text)))


def _oxrdflib(path: Path, work: Path) -> Callable[[str], int]:
    import rdflib

    graph = rdflib.Dataset(store="Oxigraph")
    graph.open(str(work / "oxrdflib"), create=True)  # on disk, like the store it could have been
    graph.parse(str(path), format="ox-turtle")
    return lambda text: len(list(graph.query(text)))


def _engine(source: Source, engine: str | None = None) -> Callable[[str], int]:
    """A cspo-graph engine, as the CLI and the server open it: its own worker runs each query,
    and its own time limit stops it (:data:`ENGINE_LIMIT`)."""
    opened = open_engine(source, engine)
    return lambda text: len(opened.query(Request(text, timeout=ENGINE_LIMIT[0])).rows)


ENGINE_LIMIT: list[float | None] = [None]
"""The time limit the cspo-graph engines get (``--timeout``), set by :func:`worker`."""


def _memory(path: Path, work: Path) -> Callable[[str], int]:
    return _engine(Source(files=(path,)))


def _oxigraph_memory(path: Path, work: Path) -> Callable[[str], int]:
    return _engine(Source(files=(path,)), "oxigraph")


def _store(path: Path, work: Path) -> Callable[[str], int]:
    from cspo_graph.stores.local import load_files

    load_files([path], work / "store")
    return _engine(Source(store=work / "store"))


def _pyoxigraph(path: Path, work: Path) -> Callable[[str], int]:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return lambda text: len([tuple(solution) for solution in store.query(text)])  # type: ignore[arg-type]


def _pyoxigraph_disk(path: Path, work: Path) -> Callable[[str], int]:
    import pyoxigraph

    writer = pyoxigraph.Store(str(work / "raw"))
    writer.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    writer.flush()
    del writer
    store = pyoxigraph.Store.read_only(str(work / "raw"))
    return lambda text: len([tuple(solution) for solution in store.query(text)])  # type: ignore[arg-type]


LOADERS: dict[str, Callable[[Path, Path], Callable[[str], int]]] = {
    "rdflib": _rdflib,
    "oxrdflib": _oxrdflib,
    "memory": _memory,
    "oxigraph-memory": _oxigraph_memory,
    "store": _store,
    "pyoxigraph": _pyoxigraph,
    "pyoxigraph-disk": _pyoxigraph_disk,
}


# -- the worker: one engine, one graph, every query in a killable child -----------------------


def peak_kb() -> int:
    """This process's peak resident set (VmHWM: unlike ru_maxrss it does not count the
    parent's memory at the moment of exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def _runs(run: Callable[[str], int], text: str, runs: int) -> dict:
    """Up to ``runs`` timed runs of a query (one when the first takes over 5 s): times and rows."""
    times, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = run(text)
        times.append(time.perf_counter() - start)
        if times[0] > ONE_RUN_AFTER:
            break
    return {"times": times, "rows": rows}


def _time_in_child(run: Callable[[str], int], text: str, runs: int, timeout: float) -> dict:
    """Time a query in a forked child; kill it when it passes ``timeout``."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        try:
            answer = _runs(run, text, runs)
        except BaseException as exc:  # reported, not raised: the child must exit here
            answer = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
        os.write(writer, json.dumps({**answer, "rss_kb": peak_kb()}).encode())
        os._exit(0)
    os.close(writer)
    ready, _, _ = select.select([reader], [], [], timeout + 2 * ONE_RUN_AFTER * (runs - 1) + 1)
    data = b""
    if ready:
        while chunk := os.read(reader, 65536):
            data += chunk
    else:
        os.kill(pid, signal.SIGKILL)
    os.close(reader)
    os.waitpid(pid, 0)
    answer = json.loads(data) if data else {"timeout": timeout}
    if "times" in answer and answer["times"][0] > timeout:
        answer = {"timeout": timeout, "rss_kb": answer["rss_kb"]}
    return answer


def _time_here(run: Callable[[str], int], text: str, runs: int) -> dict:
    """Time a query on a cspo-graph engine, whose own time limit stops it (no fork here: the
    engine's worker processes belong to this process)."""
    from cspo_graph.errors import CspoError, QueryTimeout

    try:
        answer = _runs(run, text, runs)
    except QueryTimeout:
        answer = {"timeout": ENGINE_LIMIT[0]}
    except CspoError as exc:
        answer = {"error": str(exc).splitlines()[0]}
    return {**answer, "rss_kb": peak_kb()}


ENGINE_LOADERS = {"memory", "oxigraph-memory", "store"}
"""The loaders that open a cspo-graph engine (timed by :func:`_time_here`)."""


def worker(engine: str, path: Path, names: list[str], runs: int, timeout: float) -> None:
    """Load ``path`` with ``engine``, then time each named query; JSON lines on stdout."""
    texts = {q.name: q.text for q in query_library()}
    ENGINE_LIMIT[0] = timeout
    with tempfile.TemporaryDirectory(prefix="cspo-bench-") as work:
        start = time.perf_counter()
        run = LOADERS[engine](path, Path(work))
        seconds = time.perf_counter() - start
        run("SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # untimed: rdflib builds its parser, the store opens
        print(json.dumps({"load": seconds, "rss_kb": peak_kb()}), flush=True)
        for name in names:
            if engine in ENGINE_LOADERS:
                record = _time_here(run, texts[name], runs)
            else:
                record = _time_in_child(run, texts[name], runs, timeout)
            print(json.dumps({"query": name, **record}), flush=True)


# -- the parent: sizes, engines, roqet, cold start, the table ---------------------------------


@dataclass
class Measure:
    """One engine on one graph: load time, peak memory, and per query a time or a failure."""

    load: float | None = None
    rss_kb: int = 0
    queries: dict[str, dict] = field(default_factory=dict)
    failure: str = ""


def run_engine(engine: str, path: Path, names: list[str], runs: int, timeout: float) -> Measure:
    command = [sys.executable, __file__, "--worker", engine, str(path), str(runs), str(timeout), *names]
    measure = Measure()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800 + timeout * runs * len(names))
    except subprocess.TimeoutExpired:
        measure.failure = "load timed out > 1800 s"
        return measure
    for line in done.stdout.splitlines():
        record = json.loads(line)
        measure.rss_kb = max(measure.rss_kb, record.pop("rss_kb", 0))
        if "load" in record:
            measure.load = record["load"]
        else:
            measure.queries[record.pop("query")] = record
    if done.returncode != 0 and measure.load is None:
        measure.failure = (done.stderr.strip().splitlines() or ["failed"])[-1]
    return measure


GNU_TIME = "/usr/bin/time"
"""GNU time reports a command's peak memory (ru_maxrss of a child of a small process)."""


def _roqet(path: Path, query: str | None, text: str, timeout: float) -> tuple[float, int, str, int]:
    """One roqet run: seconds, result rows (CSV lines less the header), error, peak memory (kB)."""
    command = ["roqet", "-q", "-D", str(path), "-r", "csv", *(["-e", text] if query is None else [query])]
    measured = Path(GNU_TIME).exists()
    start = time.perf_counter()
    done = subprocess.run(
        [GNU_TIME, "-f", "%M", *command] if measured else command, capture_output=True, text=True, timeout=timeout
    )
    seconds = time.perf_counter() - start
    lines = done.stderr.splitlines()
    peak = int(lines.pop()) if measured and lines and lines[-1].isdigit() else 0
    error = next((line for line in lines if "Error" in line), "")
    return seconds, max(0, len(done.stdout.splitlines()) - 1), error, peak


def run_roqet(path: Path, names: list[str], runs: int, timeout: float) -> Measure:
    """roqet parses the data for each query: a query's time is its run less a run that returns at once."""
    measure = Measure()
    try:
        loads = [_roqet(path, None, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", timeout) for _ in range(runs)]
    except subprocess.TimeoutExpired:
        measure.failure = f"load timed out > {timeout:g} s"
        return measure
    measure.load = statistics.median(load[0] for load in loads)
    library = {q.name: q.path for q in query_library()}
    for name in names:
        times: list[float] = []
        try:
            for _ in range(runs):
                seconds, rows, error, peak = _roqet(path, str(library[name]), "", timeout + measure.load)
                measure.rss_kb = max(measure.rss_kb, peak)
                times.append(max(0.0, seconds - measure.load))
                if error or seconds > ONE_RUN_AFTER:
                    break
        except subprocess.TimeoutExpired:
            measure.queries[name] = {"timeout": timeout}
            continue
        if error:
            measure.queries[name] = {"error": "not supported by rasqal: " + error.split(" - ")[-1]}
        else:
            measure.queries[name] = {"times": times, "rows": rows}
    return measure


def median_run(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    """The median wall time of a command run in fresh processes (one run when it takes over 5 s)."""
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
        if times[0] > ONE_RUN_AFTER:
            break
    return statistics.median(times)


# -- the report -------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def cell(record: dict | None, reference: dict | None, skipped: str | None = None) -> str:
    if skipped:
        return skipped
    if record is None:
        return "-"
    if "timeout" in record:
        return f"timed out > {record['timeout']:g} s"
    if "error" in record:
        return record["error"]
    time_ = statistics.median(record["times"])
    text = seconds(time_) + (" (1 run)" if len(record["times"]) == 1 else "")
    if reference and "times" in reference:
        text += f" x{time_ / max(statistics.median(reference['times']), 1e-4):.1f}"
        if record["rows"] != reference["rows"]:
            text += f" **rows differ: {record['rows']} vs {reference['rows']}**"
    return text


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def size_report(size: int, triples: int, measures: dict[str, Measure], skipped: dict[str, dict[str, str]]) -> str:
    engines = list(measures)
    ref = measures.get(REFERENCE)
    rows = [
        ["load"] + [m.failure or (seconds(m.load) if m.load is not None else "-") for m in measures.values()],
        ["peak memory"] + [f"{m.rss_kb / 1024:.0f} MB" if m.rss_kb else "-" for m in measures.values()],
    ]
    for name in [q.name for q in query_library()]:
        reference = ref.queries.get(name) if ref else None
        count = f" ({reference['rows']} rows)" if reference and "rows" in reference else ""
        rows.append(
            [f"`{name}`{count}"]
            + [cell(measures[e].queries.get(name), reference, skipped[e].get(name)) for e in engines]
        )
    return f"### {label(size)} ({triples} triples)\n\n" + table(["", *engines], rows)


def totals(measures: dict[str, Measure], names: list[str]) -> tuple[dict[str, float], float]:
    """Over the queries every engine answered: per engine the summed median time, and the
    geometric mean of the first engine's per-query ratios to the second's."""
    common = [n for n in names if all("times" in m.queries.get(n, {}) for m in measures.values())]
    medians = {e: [statistics.median(m.queries[n]["times"]) for n in common] for e, m in measures.items()}
    first, second = medians.values()
    ratios = [a / max(b, 1e-6) for a, b in zip(first, second, strict=True)]
    return {e: sum(times) for e, times in medians.items()}, statistics.geometric_mean(ratios) if ratios else 0.0


def targets(size: int, measures: dict[str, Measure], timeout: float) -> list[str]:
    """The issue's targets at this size, met or missed, with the numbers."""
    lines = []
    names = [q.name for q in query_library()]
    for reference in (REFERENCE, "pyoxigraph-disk"):
        if {"store", reference} <= set(measures):
            total, mean = totals({e: measures[e] for e in ("store", reference)}, names)
            ratio = total["store"] / max(total[reference], 1e-9)
            verdict = "met" if ratio <= 1.5 else "MISSED"
            lines.append(
                f"- {label(size)}: query library, --store / {reference}: {ratio:.2f} summed, "
                f"{mean:.2f} per query (geometric mean) (target ≤ 1.5: {verdict})"
            )
    if {"store", "rdflib"} <= set(measures):
        answered = [n for n in names if "times" in measures["store"].queries.get(n, {})]
        store = [statistics.median(measures["store"].queries[n]["times"]) for n in answered]
        plain = [measures["rdflib"].queries.get(n, {}) for n in answered]
        bounds = [n for n, r in zip(answered, plain, strict=True) if "times" not in r]
        rdflib = [statistics.median(r["times"]) if "times" in r else timeout for r in plain]
        speedup = sum(rdflib) / max(sum(store), 1e-9)
        mean = statistics.geometric_mean([a / max(b, 1e-6) for a, b in zip(rdflib, store, strict=True)])
        at_least = "≥ " if bounds else ""
        verdict = "met" if speedup >= 20 else "MISSED"
        note = f"; rdflib timed out on {', '.join(bounds)}, counted as {timeout:g} s" if bounds else ""
        lines.append(
            f"- {label(size)}: query library, plain rdflib / --store: {at_least}{speedup:.1f}x summed, "
            f"{at_least}{mean:.1f}x per query (geometric mean) (target ≥ 20x: {verdict}{note})"
        )
    for reference in ("pyoxigraph-disk", REFERENCE):
        if "store" in measures and reference in measures and measures[reference].load:
            ratio = (measures["store"].load or 0) / measures[reference].load
            verdict = "met" if ratio <= 1.5 else "MISSED"
            lines.append(
                f"- {label(size)}: load, --store / {reference} bulk load = {ratio:.2f} (target ≤ 1.5: {verdict})"
            )
    return lines


def end_to_end(path: Path, store: Path, runs: int) -> list[list[str]]:
    """One query from a fresh process on the largest graph: the store against parsing the file each time."""
    script = str(Path(sys.executable).parent / "cspo-graph")
    start = time.perf_counter()
    subprocess.run([script, "load", str(path), "--store", str(store)], check=True, capture_output=True)
    loaded = time.perf_counter() - start
    founders = str(next(q.path for q in query_library() if q.name == "founders"))
    pyoxigraph = (
        "import pyoxigraph, sys; s = pyoxigraph.Store(); "
        "s.bulk_load(path=sys.argv[1], format=pyoxigraph.RdfFormat.TURTLE); "
        "print(len([tuple(r) for r in s.query(open(sys.argv[2]).read())]))"
    )
    rdflib = (
        "import rdflib, sys; g = rdflib.Dataset(default_union=True); g.parse(sys.argv[1]); "
        "print(len(list(g.query(open(sys.argv[2]).read()))))"
    )
    commands = {
        "cspo-graph query founders --store DIR": [script, "query", "founders", "--store", str(store)],
        "python: pyoxigraph bulk_load FILE + founders": [sys.executable, "-c", pyoxigraph, str(path), founders],
        "cspo-graph query founders --data FILE": [script, "query", "founders", "--data", str(path)],
        "python: rdflib parse FILE + founders": [sys.executable, "-c", rdflib, str(path), founders],
    }
    rows = [["`cspo-graph load FILE --store DIR` (once)", seconds(loaded)]]
    rows += [[f"`{name}`", seconds(median_run(command, runs))] for name, command in commands.items()]
    return rows


def machine() -> str:
    def first(path: str, key: str) -> str:
        try:
            return next(line.split(":", 1)[1].strip() for line in open(path) if line.startswith(key))
        except (OSError, StopIteration):
            return "?"

    versions = []
    for package in ("rdflib", "pyoxigraph", "pyparsing", "click", "oxrdflib"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package} {metadata.version(package)}")
    roqet = (
        subprocess.run(["roqet", "--version"], capture_output=True, text=True).stdout.strip()
        if shutil.which("roqet")
        else "absent"
    )
    return "\n".join(
        [
            f"- CPU: {first('/proc/cpuinfo', 'model name')}, {os.cpu_count()} cores (nproc)",
            f"- memory: {first('/proc/meminfo', 'MemTotal')}",
            f"- load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (the cores are shared)",
            f"- Python {platform.python_version()} ({sys.executable}), {platform.platform()}",
            f"- {', '.join(versions)}, roqet {roqet}",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short measures on a tiny graph (under 3 minutes)")
    parser.add_argument("--sizes", help="graph sizes, comma-separated (default 10k,100k; --quick: 1k)")
    present = [e for e in ENGINES if e != "roqet" or shutil.which("roqet")]
    parser.add_argument("--engines", default=",".join(present), help=f"of {', '.join(ENGINES + OPTIONAL_ENGINES)}")
    parser.add_argument("--runs", type=int, help="runs per measure; the median counts (default 3; --quick: 1)")
    parser.add_argument("--timeout", type=float, help="seconds a query may take (default 30; --quick: 10)")
    parser.add_argument(
        "--push",
        metavar="SIZE",
        help="also push SIZE triples (e.g. 1M) into Virtuoso and Oxigraph's server, against their bulk loaders "
        "(bench/push.py; its table joins this report)",
    )
    parser.add_argument("--write", type=Path, help="also put the report into this Markdown file, between markers")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        engine, path, runs, timeout, *names = args.worker
        worker(engine, Path(path), names, int(runs), float(timeout))
        return
    args.sizes = args.sizes or ("1k" if args.quick else "10k,100k")
    args.runs = args.runs or (1 if args.quick else 3)
    args.timeout = args.timeout or (10 if args.quick else 30)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    engines = [e.strip() for e in args.engines.split(",")]
    unknown = set(engines) - set(ENGINES + OPTIONAL_ENGINES)
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    report = ["## Machine", "", machine(), ""]
    names = [q.name for q in query_library()]
    timed_out: dict[str, dict[str, str]] = {e: {} for e in engines}
    target_lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cspo-bench-data-") as folder:
        print(f"[{time.perf_counter() - started:6.0f} s] cold start, serve", file=sys.stderr)
        service_lines, target_lines = service.report(service.measure(Path(folder), args.quick))
        report += service_lines
        for size in sizes:
            path = Path(folder) / f"synthetic-{label(size)}.ttl"
            with path.open("w", encoding="utf-8") as out:
                triples = generate(size, out, seed=1)
            measures: dict[str, Measure] = {}
            skipped = {e: dict(timed_out[e]) for e in engines}
            for engine in engines:
                todo = [n for n in names if n not in skipped[engine]]
                print(f"[{time.perf_counter() - started:6.0f} s] {label(size)}: {engine}", file=sys.stderr)
                if engine == "roqet":
                    measures[engine] = run_roqet(path, todo, args.runs, args.timeout)
                else:
                    measures[engine] = run_engine(engine, path, todo, args.runs, args.timeout)
                for name, record in measures[engine].queries.items():
                    if "timeout" in record:
                        timed_out[engine][name] = f"skipped (timed out at {label(size)})"
            report += [size_report(size, triples, measures, skipped), ""]
            target_lines += targets(size, measures, args.timeout)
        print(f"[{time.perf_counter() - started:6.0f} s] end to end", file=sys.stderr)
        largest = end_to_end(path, Path(folder) / "largest-store", args.runs)
    report += [f"### One query from a fresh process, {label(sizes[-1])}", "", table(["command", "median"], largest), ""]
    if args.push:
        from bench import push

        print(f"[{time.perf_counter() - started:6.0f} s] push {args.push}", file=sys.stderr)
        report += ["### Push into triple stores", "", push.main(["--triples", args.push, "--no-write"]), ""]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report += [
        "### Targets",
        "",
        *target_lines,
        "",
        f"Whole run: {time.perf_counter() - started:.0f} s; load average at the end: {load}.",
    ]
    text = "\n".join(report) + "\n"
    print(text)
    if args.write:
        write_between_markers(args.write, text)


START, END = "<!-- bench/run.py output: start -->", "<!-- bench/run.py output: end -->"


def write_between_markers(path: Path, text: str) -> None:
    """Replace what lies between the markers in ``path`` (append them when absent)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        head, rest = old.split(START, 1)
        new = f"{head}{START}\n{text}{END}{rest.split(END, 1)[1]}"
    else:
        new = f"{old}\n{START}\n{text}{END}\n"
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
