"""``cspo-graph query`` and ``cspo-graph queries``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cspo_graph.cli.options import (
    credentials_options,
    data_option,
    emit,
    format_option,
    output_option,
    reason_option,
    store_option,
)

if TYPE_CHECKING:
    from cspo_graph.stores.http import Credentials


@click.command()
@click.argument("query_ref", metavar="QUERY", required=False)
@click.option("-e", "--expression", metavar="SPARQL", help="Run this SPARQL text instead of QUERY.")
@data_option
@store_option
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help='Bind ?NAME to a typed value: <iri>, cspo:Name, "text"@en, "2018"^^xsd:gYear, 42, true.',
)
@click.option("--allow-service", is_flag=True, help="Let SERVICE clauses reach the network (off by default).")
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
@reason_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="Stop the query (with the writing of its results) after this long; 0 for no limit.",
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
    reason: str | None,
    timeout: float,
    fmt: str,
    output: str | None,
) -> None:
    """Run a SPARQL query: a library query by NAME, a FILE.rq, or -e TEXT.

    Queries are read-only: SPARQL Update is refused. Without --data the built-in
    ontology and curated data are queried. With --store DIR the
    on-disk store made by 'cspo-graph load' answers, fast on large data.

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
    from cspo_graph.query.library import resolve
    from cspo_graph.query.params import parse_params
    from cspo_graph.query.render import render
    from cspo_graph.query.results import term_to_rdflib
    from cspo_graph.query.sparql import run_query
    from cspo_graph.rdf.parsing import load
    from cspo_graph.runtime.deadline import call_with_deadline, check_timeout
    from cspo_graph.runtime.guard import allow_network

    if (query_ref is None) == (expression is None):
        raise UsageError("give exactly one of QUERY (a library name or FILE.rq) and -e SPARQL")
    if expression is not None:
        text, source = expression, "<expression>"
    else:
        named = resolve(query_ref)  # type: ignore[arg-type]
        text, source = named.text, str(named.path)
    if store is not None and endpoint is not None:
        raise UsageError("--store and --endpoint exclude each other: each holds the data")
    if (graphs or credentials or page_size) and endpoint is None:
        raise UsageError("--graph, --user and --page-size need --endpoint")
    if reason and (store is not None or endpoint is not None):
        raise UsageError("--reason works on data in memory, not with --store or --endpoint")
    terms = parse_params(params)

    def rdflib_bindings() -> dict:
        return {name: term_to_rdflib(term) for name, term in terms.items()}

    if allow_service or endpoint is not None:
        allow_network()
    limit = check_timeout(timeout or None)
    if store is not None:
        from cspo_graph.stores.local import query_store

        if data:
            raise UsageError("--data and --store exclude each other: the store holds the data")

        def stored() -> str:
            result = query_store(store, text, params=terms, allow_service=allow_service, source=source)
            return render(result, fmt.lower())

        emit(call_with_deadline(stored, limit, what=source), output)
        return
    if endpoint is not None:
        from cspo_graph.query.remote import run_remote

        if data:
            raise UsageError("--data and --endpoint exclude each other: the endpoint holds the data")
        result = run_remote(
            endpoint,
            text,
            params=rdflib_bindings(),
            default_graphs=graphs,
            allow_service=allow_service,
            source=source,
            credentials=credentials,
            page_size=page_size,
        )
        emit(render(result, fmt.lower()), output)
        return

    def answer() -> str:
        dataset = load(data)

        def evaluate() -> str:
            if reason:
                from cspo_graph.rdf.reasoning import materialize

                materialize(dataset, reason.lower())
            bindings = rdflib_bindings()
            result = run_query(dataset, text, params=bindings, allow_service=allow_service, source=source)
            return render(result, fmt.lower())

        return call_with_deadline(evaluate, limit, what=source)

    emit(answer(), output)


@click.command()
@format_option
def queries(fmt: str) -> None:
    """List the query library: each query's name, title and description.

    \b
    Example:
      cspo-graph queries
      cspo-graph query members
    """
    from cspo_graph.query.library import query_library
    from cspo_graph.query.render import render
    from cspo_graph.query.results import QueryResult, Term

    rows = [
        (Term("literal", q.name), Term("literal", q.title), Term("literal", q.description)) for q in query_library()
    ]
    result = QueryResult("SELECT", variables=["name", "title", "description"], rows=rows)
    emit(render(result, fmt.lower()), None)
