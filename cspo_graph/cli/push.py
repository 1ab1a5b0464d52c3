"""``cspo-graph push``."""

from __future__ import annotations

import shlex
import sys
from typing import TYPE_CHECKING

import click

from cspo_graph.cli.options import credentials_options, data_option

if TYPE_CHECKING:
    from cspo_graph.stores.http import Credentials


@click.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The store's Graph Store Protocol URL (--protocol gsp) or SPARQL Update URL (--protocol update).",
)
@click.option(
    "--graph",
    metavar="IRI",
    help="Push every triple into this one named graph. Default: each graph the export writes "
    "('cspo-graph export -f nq') under its own name.",
)
@click.option("--replace", is_flag=True, help="Replace the target graph(s) instead of adding to them.")
@click.option(
    "--protocol",
    type=click.Choice(["gsp", "update"]),
    default="gsp",
    show_default=True,
    help="gsp: SPARQL 1.1 Graph Store HTTP Protocol (POST); update: SPARQL 1.1 Update (INSERT DATA).",
)
@credentials_options
@click.option(
    "--query-endpoint",
    metavar="URL",
    help="The store's SPARQL query URL, where the triples are counted. Default: the SPARQL Update URL "
    "(--endpoint with --protocol update, else --update-endpoint), if it answers queries.",
)
@click.option(
    "--update-endpoint",
    metavar="URL",
    help="With --protocol gsp: the store's SPARQL Update URL, so that the graphs are loaded beside the old ones "
    "and switched in at once (all or nothing). Without it gsp writes in place.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    metavar="N",
    help="Triples per request. Default: 10000 with gsp, 1000 with update (measured: docs/benchmarks.md).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a request the store has not answered in this long (after retries).",
)
@data_option
def push(
    endpoint: str,
    graph: str | None,
    replace: bool,
    protocol: str,
    credentials: Credentials | None,
    query_endpoint: str | None,
    update_endpoint: str | None,
    batch_size: int | None,
    timeout: float,
    data: tuple[str, ...],
) -> None:
    """Load the graph into a triple store, all or nothing, then check that the store holds it.

    Speaks the W3C protocols, so it works with Virtuoso, Apache Jena Fuseki,
    GraphDB, Oxigraph server and others. With a SPARQL Update URL (--protocol
    update, or --update-endpoint) every graph is loaded into a staging graph and
    all are switched in by one update (MOVE, or ADD when adding): a failure
    leaves the store as it was, or says exactly which graphs were switched in.
    Timeouts and server errors (5xx) are retried with backoff, but not a
    refusal that names a limit of the store (Virtuoso's SR325, SR171). The
    triples in each graph are counted with SPARQL COUNT on the query endpoint; the command
    fails if the count is not what was sent. With --replace, pushing twice
    leaves one copy, blank nodes included; adding data with blank nodes to a
    graph that holds blank nodes is refused (it would copy them).

    The password is never a command-line argument: set $CSPO_GRAPH_PASSWORD
    or type it at the prompt. A user name or password in a URL is refused.

    \b
    Examples:
      cspo-graph push --protocol update --endpoint http://localhost:7878/update \\
          --query-endpoint http://localhost:7878/query --replace
      CSPO_GRAPH_PASSWORD=dba cspo-graph push --user dba --replace \\
          --protocol update --endpoint http://localhost:8890/sparql-auth
      cspo-graph push --endpoint http://localhost:3030/cspo/data --replace \\
          --query-endpoint http://localhost:3030/cspo/sparql --user admin --auth basic
    """
    from cspo_graph.errors import UsageError
    from cspo_graph.runtime.guard import allow_network
    from cspo_graph.stores import http
    from cspo_graph.stores.push import Endpoints, read_graphs
    from cspo_graph.stores.push import push as push_graphs

    allow_network()  # --endpoint is required: pushing is reaching the network on purpose
    http.check_url(endpoint)
    for option, url in (("--query-endpoint", query_endpoint), ("--update-endpoint", update_endpoint)):
        if url:
            http.check_url(url, option)
    if graph is not None:
        http.check_iri(graph)
    if protocol == "update":
        if update_endpoint:
            raise UsageError("--update-endpoint is for --protocol gsp: with --protocol update, --endpoint is it")
        update_endpoint = endpoint
    query_url = query_endpoint or update_endpoint
    if query_url is None:
        raise UsageError(
            "push counts the triples the store holds with SPARQL: give the store's query URL with --query-endpoint"
        )
    targets = read_graphs(data, graph)
    total = sum(len(triples) for triples in targets.values())
    silent = not sys.stderr.isatty()  # a bar only for a person watching a terminal
    with click.progressbar(length=total, label="Pushing triples", file=sys.stderr, hidden=silent) as bar:
        report = push_graphs(
            targets,
            Endpoints(endpoint, query_url, update_endpoint),
            replace=replace,
            protocol=protocol,
            credentials=credentials,
            batch_size=batch_size,
            timeout=timeout,
            progress=bar.update,
            repair=repair_command(click.get_current_context()),
        )
    for name, sent in report.sent.items():
        click.echo(f"{name}: {sent} triples sent, the store holds {report.counted[name]}")


def repair_command(context: click.Context) -> str:
    """This command line again, from its parsed options (a password is never among them)."""
    words = ["cspo-graph", context.info_name or "push"]
    for param in context.command.params:
        value = context.params.get(param.name or "")
        if not isinstance(param, click.Option) or value in (None, False, ()) or value == param.default:
            continue
        flag = max(param.opts, key=len)
        for item in value if param.multiple else [value]:
            words += [flag] if param.is_flag else [flag, str(item)]
    return shlex.join(words)
