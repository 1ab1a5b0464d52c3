"""``cspo-graph serve``: the local SPARQL endpoint and web page."""

from __future__ import annotations

import click

from cspo_graph.cli.options import data_option, store_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one).")
@data_option
@store_option
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds a query may run before it is stopped (HTTP 503).",
)
@click.option(
    "--max-body",
    default=1 << 20,
    show_default=True,
    type=click.IntRange(min=1),
    help="Largest POST body accepted, in bytes (HTTP 413 beyond).",
)
@click.option(
    "--workers",
    default=8,
    show_default=True,
    type=click.IntRange(min=1),
    help="Queries answered at once, each in a worker process of its own; more wait their turn.",
)
def serve(
    host: str, port: int, data: tuple[str, ...], store: str | None, timeout: float, max_body: int, workers: int
) -> None:
    """Serve the graph: a read-only SPARQL endpoint at /sparql and a web page at /.

    The page has a query editor with the query library, a results table,
    downloads in every result format and an interactive graph; it needs no
    network. The endpoint speaks the SPARQL 1.1 Protocol (GET or POST, results
    by content negotiation: JSON, XML, CSV, TSV; RDF formats for CONSTRUCT) and
    refuses updates and SERVICE. /queries lists the library, /queries/NAME runs
    one. Only this machine can connect unless --host says otherwise. With
    --store DIR the on-disk store made by 'cspo-graph load' answers (the graph
    views need the data in memory and are then not offered).

    \b
    Example:
      cspo-graph serve
      cspo-graph serve --store ./cspo-store --port 8080
      curl -H 'Accept: text/csv' http://127.0.0.1:8000/queries/founders
      curl --data-urlencode 'query=ASK { ?s ?p ?o }' http://127.0.0.1:8000/sparql
    """
    from pathlib import Path

    from cspo_graph.query.engines import Source, open_engine
    from cspo_graph.runtime.deadline import check_timeout
    from cspo_graph.web.app import LOOPBACK_HOSTS, Limits, create_app
    from cspo_graph.web.server import bind, url_of
    from cspo_graph.web.server import serve as run_server

    limits = Limits(max_body=max_body, timeout=check_timeout(timeout), workers=workers)
    engine = open_engine(Source(files=data, store=None if store is None else Path(store)), workers=workers)
    app = create_app(engine, limits=limits, host=host)
    sock = bind(host, port)
    url = url_of(sock)
    click.echo(f"cspo-graph: serving the web page at {url} and the SPARQL endpoint at {url}sparql")
    if store is not None:
        click.echo(f"cspo-graph: answering from the store {Path(store).resolve()}")
    if host in LOOPBACK_HOSTS:
        click.echo(f"cspo-graph: listening on {host} only: other machines cannot connect (see --host)")
    else:
        click.echo(f"cspo-graph: WARNING: listening on {host}: other machines that reach it can query the data")
    click.echo("cspo-graph: press Ctrl+C to stop")
    try:
        run_server(app, sock, max_request_head=limits.max_request_head)
    finally:
        engine.close()
