"""Push benchmark: ``cspo-graph push`` into Virtuoso and Oxigraph's server, against each store's bulk loader.

    python bench/push.py                 # 1M triples; writes the table into docs/benchmarks.md
    python bench/push.py --triples 20k --no-write   # a quick look (the suite runs a smoke run)

On the same N-Triples file (:func:`write_data`: bench/generate.py does not run on
the data model of issue 12 yet), each store on 127.0.0.1 (started
here as the tests start it: tests/virtuoso.py, tests/oxigraph_server.py):

- ``cspo-graph push`` end to end (parse with rdflib, stage, switch in, count), once
  per protocol that the store's recipe in docs/stores.md uses: the first into an
  empty graph, the second replacing what the first pushed;
- the push alone (:func:`cspo_graph.stores.push.push` on triples already in memory),
  for each batch size in ``--batch-sizes``, with the time spent sending the batches
  apart from the switch and the counts: the throughput behind the defaults;
- the store's own bulk loader on the same file: Virtuoso's ``ld_dir`` +
  ``rdf_loader_run`` + ``checkpoint`` through ``isql-vt``, Oxigraph's ``oxigraph load``
  into a fresh location.

And, without a store, reading the file as ``cspo-graph push`` does (rdflib). Each row
gives the time, triples per second and the time per triple against the store's bulk
loader. Virtuoso gets ``TransactionAfterImageLimit`` raised to what push advises for
replacing the file's triples (:func:`after_image_limit`): with Debian's 50,000,000
bytes it refuses to switch a million triples in. The section "Push into triple
stores" of docs/benchmarks.md is replaced with the table of the run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

# The tests' fixtures, so that the stores run as the tests run them (tests/ is put on sys.path above,
# which mypy does not follow):
import oxigraph_server  # type: ignore[import-not-found]  # noqa: E402
import virtuoso  # type: ignore[import-not-found]  # noqa: E402

from bench.run import machine, parse_size  # noqa: E402

GRAPH = "https://example.org/bench/push"
SWEEP_GRAPH = GRAPH + "/sweep"
SWITCH_TIME_LIMIT = 3600
"""Seconds the benchmark's Virtuoso lets a SPARQL request run (Debian's file: 60; a switch of 1M takes longer)."""
HEADING = "## Push into triple stores (bench/push.py)"
BENCHMARKS = ROOT / "docs" / "benchmarks.md"


@contextmanager
def running(start: Callable[[Path], Any], stop: Callable[[Any], None], folder: Path) -> Iterator[Any]:
    server = start(folder)
    try:
        yield server
    finally:
        stop(server)


def write_data(path: Path, triples: int) -> int:
    """Synthetic N-Triples shaped like the graph: typed resources with labels, links between them, dates."""
    ns, rdf = "https://w3id.org/cspo-graph/synthetic/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    label, xsd = "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2001/XMLSchema#"
    written, nodes = 0, -(-triples // 5)
    with path.open("w", encoding="utf-8") as out:
        for i in range(nodes):
            node = f"<{ns}node/{i}>"
            out.write(
                f"{node} <{rdf}> <{ns}Kind{i % 7}> .\n"
                f'{node} <{label}> "Synthetic resource {i}"@en .\n'
                f"{node} <{ns}linkedTo> <{ns}node/{(i * 7919) % nodes}> .\n"
                f'{node} <{ns}year> "{1990 + i % 35}"^^<{xsd}gYear> .\n'
                f'{node} <{ns}note> "Note {i} with \\"quotes\\" and é" .\n'
            )
            written += 5
    return written


def cli_push(arguments: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cspo_graph", "push", *arguments], env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"push failed: {result.stdout}{result.stderr}")


def count(server: Any, graph: str) -> int:
    import httpx

    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    answer = httpx.post(server.sparql, data={"query": text}, headers={"Accept": "application/sparql-results+json"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def read_triples(path: Path) -> list[Any]:
    """The file's triples as cspo-graph's terms, parsed by pyoxigraph (the push alone, without rdflib)."""
    import pyoxigraph

    from cspo_graph.query.results import term_from_oxigraph

    return [
        tuple(term_from_oxigraph(t) for t in (q.subject, q.predicate, q.object))
        for q in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    ]


class Row(NamedTuple):
    """``seconds`` (NaN: refused) for ``triples``; ``sending``: of which sending the batches (push alone)."""

    store: str
    method: str
    triples: int
    seconds: float
    sending: float | None = None


BULK = "bulk loader"
"""How the rows of each store's own bulk loader begin: the reference of the store's other rows."""
NO_STORE = "(no store)"


def measure(data: Path, sweep: Path, batch_sizes: list[int], work: Path, report: Callable[[Row], None]) -> None:
    """Report every way of loading ``data``, and the push alone of ``sweep`` (a smaller file) with each batch
    size (into a graph of its own, which an untimed push fills first: every row replaces as many triples)."""
    from cspo_graph.stores import http
    from cspo_graph.stores.push import Endpoints, push, read_graphs

    triples = lines(data)
    began = time.perf_counter()
    read_graphs([data], None)
    report(Row(NO_STORE, "reading the file as push does (read_graphs: rdflib)", triples, since(began)))

    env = {**os.environ, "PYTHONPATH": str(ROOT), http.PASSWORD_VARIABLE: virtuoso.PASSWORD}
    login = http.Credentials(virtuoso.USER, virtuoso.PASSWORD)
    parsed = {SWEEP_GRAPH: read_triples(sweep)}
    swept = len(parsed[SWEEP_GRAPH])
    settings = virtuoso_settings(triples)
    stores = (
        ("Virtuoso", lambda folder: virtuoso.start(folder, settings=settings), virtuoso.stop, login),
        ("Oxigraph server", oxigraph_server.start, oxigraph_server.stop, None),
    )
    for name, start, stop, credentials in stores:
        folder = work / name.split()[0].lower()
        folder.mkdir()
        with running(start, stop, folder) as server:
            user = ["--user", virtuoso.USER] if credentials else []
            recipes = {
                "cspo-graph push --protocol update, into an empty graph": [
                    *["--protocol", "update", "--endpoint", server.update, "--query-endpoint", server.sparql],
                ],
                "cspo-graph push (gsp, staged), replacing the row above's": [
                    *["--endpoint", server.graph_store, "--update-endpoint", server.update],
                    *["--query-endpoint", server.sparql],
                ],
            }
            for method, arguments in recipes.items():
                began = time.perf_counter()
                cli_push([*arguments, *user, "--data", str(data), "--graph", GRAPH, "--replace"], env)
                report(Row(name, method, triples, since(began)))
                assert count(server, GRAPH) == triples
            push(parsed, Endpoints(server.graph_store, server.sparql, server.update), credentials=credentials)
            for protocol in ("gsp", "update"):
                write = server.graph_store if protocol == "gsp" else server.update
                endpoints = Endpoints(write, server.sparql, server.update)
                options: dict[str, Any] = {"replace": True, "protocol": protocol, "credentials": credentials}
                for batch in batch_sizes:
                    method = f"push alone, {protocol}, batch {batch}"
                    sent: list[float] = []
                    began = time.perf_counter()
                    try:
                        push(
                            parsed,
                            endpoints,
                            **options,
                            batch_size=batch,
                            progress=lambda _, sent=sent, began=began: sent.append(since(began)),
                        )
                    except Exception as exc:  # a batch too large for the store is a result too
                        print(f"{name} {method}: {exc}"[:300], file=sys.stderr)
                        report(Row(name, f"{method}: refused by the store", swept, float("nan")))
                        continue
                    report(Row(name, method, swept, since(began), sent[-1]))
            if name == "Virtuoso":
                subprocess.run(
                    virtuoso.isql(server, f"SPARQL CLEAR GRAPH <{GRAPH}>; checkpoint;"), check=True, capture_output=True
                )
                sql = virtuoso.bulk_load_sql(data.parent, data.name, GRAPH)
                began = time.perf_counter()
                subprocess.run(virtuoso.isql(server, sql), check=True, capture_output=True)
                report(Row(name, f"{BULK}: ld_dir + rdf_loader_run + checkpoint (isql-vt)", triples, since(began)))
                assert count(server, GRAPH) == triples
        if name == "Oxigraph server":
            assert oxigraph_server.BINARY is not None
            command = [oxigraph_server.BINARY, "load", "--location", str(folder / "bulk"), "--file", str(data)]
            began = time.perf_counter()
            subprocess.run([*command, "--graph", GRAPH], check=True, capture_output=True)
            report(Row(name, f"{BULK}: oxigraph load (server stopped)", triples, since(began)))


def virtuoso_settings(triples: int) -> dict[str, dict[str, int]]:
    """What the benchmark's Virtuoso changes in Debian's virtuoso.ini to switch ``triples`` triples in, replacing
    as many: the after-image limit push advises, and no 60 s limit on a SPARQL request (the switch is one)."""
    from cspo_graph.stores.push import after_image_limit

    return {
        "Parameters": {"TransactionAfterImageLimit": after_image_limit(2 * triples)},
        "SPARQL": {"MaxQueryExecutionTime": SWITCH_TIME_LIMIT},
    }


def since(began: float) -> float:
    return time.perf_counter() - began


def lines(path: Path) -> int:
    with path.open(encoding="utf-8") as text:
        return sum(1 for line in text if line.strip())


def row(entry: Row, bulk: Row | None = None) -> str:
    """A table row; against ``bulk``, the time per triple as a multiple of the bulk loader's."""
    if entry.seconds != entry.seconds:  # NaN: refused
        return f"| {entry.store} | {entry.method} | {entry.triples:,} | n/a | n/a | | |"
    sending = f"{entry.sending:.1f}" if entry.sending is not None else ""
    ratio = f"x{entry.seconds / entry.triples / (bulk.seconds / bulk.triples):.1f}" if bulk else ""
    cells = [entry.store, entry.method, f"{entry.triples:,}", f"{entry.seconds:.1f}"]
    return "| " + " | ".join([*cells, f"{entry.triples / entry.seconds:,.0f}", sending, ratio]) + " |"


def table(rows: list[Row]) -> str:
    bulk = {r.store: r for r in rows if r.method.startswith(BULK)}
    head = (
        "| store | method | triples | seconds | triples/s | of which sending batches (s) | time per triple, bulk = 1 |"
    )
    lines = [head, "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    return "\n".join([*lines, *(row(r, bulk.get(r.store)) for r in rows)])


def versions() -> str:
    """The stores' versions."""
    assert virtuoso.BINARY is not None and oxigraph_server.BINARY is not None
    banner = subprocess.run([virtuoso.BINARY, "-?"], capture_output=True, text=True)
    found = re.search(r"Version (\S+)", banner.stdout + banner.stderr)
    oxigraph = subprocess.run([oxigraph_server.BINARY, "--version"], capture_output=True, text=True).stdout.strip()
    return f"- stores: Virtuoso {found[1] if found else '?'} (Debian's virtuoso-opensource), {oxigraph} (PyPI)"


def write_section(text: str, path: Path = BENCHMARKS) -> None:
    """Replace (or add) the push section of docs/benchmarks.md."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    section = f"{HEADING}\n\n{text}\n"
    pattern = re.compile(re.escape(HEADING) + r"\n.*?(?=\n## |\Z)", re.S)
    new = pattern.sub(lambda _: section.rstrip("\n"), old) if HEADING in old else old.rstrip("\n") + "\n\n" + section
    path.write_text(new if new.endswith("\n") else new + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, default=parse_size("1M"), help="size of the file (default 1M)")
    parser.add_argument(
        "--sweep-triples", type=parse_size, default=parse_size("100k"), help="for the push alone (default 100k)"
    )
    parser.add_argument("--batch-sizes", default="1000,2500,5000,10000", help="for the push alone (comma-separated)")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    rows: list[Row] = []

    def report(entry: Row) -> None:
        rows.append(entry)
        print(row(entry), file=sys.stderr, flush=True)

    started, setting = time.perf_counter(), machine()
    with tempfile.TemporaryDirectory(prefix="cspo-push-bench-") as tmp:
        work = Path(tmp)
        (work / "data").mkdir()
        data, sweep = work / "data" / "synthetic.nt", work / "data" / "sweep.nt"
        write_data(data, args.triples)
        write_data(sweep, args.sweep_triples)
        measure(data, sweep, batch_sizes, work, report)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    changed = "; ".join(
        f"{name} = {value} in [{section}]"
        for section, names in virtuoso_settings(args.triples).items()
        for name, value in names.items()
    )
    text = (
        f"{setting}\n{versions()}\n\n{table(rows)}\n\n"
        f"`python bench/push.py --triples {args.triples} --sweep-triples {args.sweep_triples} --batch-sizes "
        f"{args.batch_sizes}`: one run of "
        f"{since(started):.0f} s; load average at the end {load} (2 cores shared with other work: read the "
        "ratios, not the times). Both stores on 127.0.0.1, synthetic N-Triples from bench/push.py (write_data). "
        "'cspo-graph push' rows are end to end: rdflib parses the file, the graph is staged, switched in with one "
        "SPARQL Update and counted. 'push alone' rows start from triples in memory (a smaller file); 'of which "
        "sending batches' is the time until the last batch was answered, the rest is the switch and the counts. "
        "The last column is the row's time per triple over the store's bulk loader's. Virtuoso ran with Debian's "
        f"virtuoso.ini changed as docs/stores.md says for large pushes: {changed}."
    )
    print(text)
    if not args.no_write:
        write_section(text)
    return text


if __name__ == "__main__":
    main()
