"""``cspo-graph query`` and ``cspo-graph queries``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cspo_graph.cli.options import (
    credentials_options,
    data_option,
    emit,
    format_option,
    library_names,
    output_option,
    reason_option,
    rows_format_option,
    store_option,
)

if TYPE_CHECKING:
    from cspo_graph.stores.http import Credentials

PARAM_HELP = (
    'Bind ?NAME to a typed value: <iri>, cspo:Name, "text"@en, "2018"^^xsd:gYear, 42, true. '
    "Bound as SEP-0007 substitution, the same on every engine: ?NAME keeps its name and takes "
    "the value wherever the query matches data (a grouped or unprojected ?NAME too), a sub-SELECT "
    "that does not project ?NAME has its own ?NAME, and a query that assigns ?NAME itself (BIND, AS, "
    "VALUES) is refused."
)


@click.command()
@click.argument("query_ref", metavar="QUERY", required=False, shell_complete=library_names)
@click.option("-e", "--expression", metavar="SPARQL", help="Run this SPARQL text instead of QUERY.")
@data_option
@store_option
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help=PARAM_HELP)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let SERVICE clauses reach the network (off by default: the query runs in a process that cannot).",
)
@click.option("--endpoint", metavar="URL", help="Run the query on this remote SPARQL endpoint instead.")
@click.option(
    "--graph", "graphs", multiple=True, metavar="IRI", help="With --endpoint: the default graph (repeatable)."
)
@credentials_options
@click.option(
    "--page-size",
    type=click.IntRange(min=1),
    metavar="N",
    help="With --endpoint: fetch the answer of a SELECT query with ORDER BY in pages of N rows (LIMIT/OFFSET), "
    "for endpoints that cut long answers (an answer cut short is an error either way).",
)
@click.option(
    "--engine",
    type=click.Choice(["rdflib", "oxigraph"]),
    help="What answers --data: rdflib (the default) or Oxigraph in memory (faster on large files).",
)
@reason_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="Stop the query after this long (with --endpoint: each step of the exchange); 0 for no limit.",
)
@format_option
@output_option
def query(
    query_ref: str | None,
    expression: str | None,
    data: tuple[str, ...],
    store: str | None,
    params: tuple[str, ...],
    allow_service: bool,
    endpoint: str | None,
    graphs: tuple[str, ...],
    credentials: Credentials | None,
    page_size: int | None,
    engine: str | None,
    reason: str | None,
    timeout: float,
    fmt: str,
    output: str | None,
) -> None:
    """Run a SPARQL query: a library query by NAME, a FILE.rq, or -e TEXT.

    Queries are read-only: SPARQL Update is refused. Without --data the built-in
    ontology and curated data are queried. With --store DIR the
    on-disk store made by 'cspo-graph load' answers, fast on large data.
    Every engine gives the same answer, with the same --param bindings.
    Relative IRIs resolve against the query file's location (its file://
    URI), or the current directory's for -e.

    \b
    Examples:
      cspo-graph query founders
      cspo-graph query queries/members.rq --format csv
      cspo-graph query posts --param person=cspo:RobertBrose
      cspo-graph query -e 'SELECT ?nation WHERE { ?nation a cspo:Nation }'
      cspo-graph query members --store ./cspo-store
      cspo-graph query members --endpoint http://localhost:8890/sparql
      cspo-graph query -e 'SELECT ?who WHERE { ?who a foaf:Person }' --reason rdfs
      cspo-graph query members --timeout 5
    """
    from cspo_graph.errors import UsageError
    from cspo_graph.query.engines import Request, Source, open_engine
    from cspo_graph.query.library import base_iri, resolve
    from cspo_graph.query.params import parse_params
    from cspo_graph.query.render import Named
    from cspo_graph.runtime.deadline import check_timeout
    from cspo_graph.runtime.guard import allow_network

    if (query_ref is None) == (expression is None):
        raise UsageError("give exactly one of QUERY (a library name or FILE.rq) and -e SPARQL")
    if expression is not None:
        text, source, base = expression, "<expression>", base_iri()
    else:
        assert query_ref is not None
        named = resolve(query_ref)
        text, source, base = named.text, str(named.path), named.base
    if (graphs or credentials or page_size) and endpoint is None:
        raise UsageError("--graph, --user and --page-size need --endpoint")
    if reason and (store is not None or endpoint is not None):
        raise UsageError("--reason works on data in memory, not with --store or --endpoint")
    request = Request(
        text,
        source,
        parse_params(params),
        timeout=check_timeout(timeout or None),
        allow_service=allow_service,
        base=base,
    )
    if allow_service or endpoint is not None:
        allow_network()
    origin = Source(
        files=data,
        store=None if store is None else Path(store),
        endpoint=endpoint,
        default_graphs=graphs,
        reason=reason,
        credentials=credentials,
        page_size=page_size,
    )
    with open_engine(origin, engine) as answering:
        written = answering.answer(request, Named(fmt.lower()))
    emit(written.text, output)


@click.command()
@rows_format_option
def queries(fmt: str) -> None:
    """List the query library: each query's name, title and description.

    \b
    Example:
      cspo-graph queries
      cspo-graph query members
    """
    from cspo_graph.query.library import query_library
    from cspo_graph.query.render import render
    from cspo_graph.query.results import QueryResult, Row, Term

    rows: list[Row] = [
        (Term("literal", q.name), Term("literal", q.title), Term("literal", q.description)) for q in query_library()
    ]
    result = QueryResult("SELECT", variables=["name", "title", "description"], rows=rows)
    emit(render(result, fmt.lower()), None)
