"""``cspo-graph push``."""

from __future__ import annotations

import os
import sys

import click

from cspo_graph.cli.options import data_option

PASSWORD_VARIABLE = "CSPO_GRAPH_PASSWORD"


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
    help="Push every triple into this one named graph. "
    "Default: each graph under its own name (.../graph/ontology, .../graph/data, .../graph/links).",
)
@click.option("--replace", is_flag=True, help="Replace the target graph(s) instead of adding to them.")
@click.option(
    "--protocol",
    type=click.Choice(["gsp", "update"]),
    default="gsp",
    show_default=True,
    help="gsp: SPARQL 1.1 Graph Store HTTP Protocol (PUT/POST); update: SPARQL 1.1 Update (INSERT DATA).",
)
@click.option(
    "--user",
    metavar="NAME",
    help=f"Log in as NAME; the password comes from ${PASSWORD_VARIABLE} or a prompt.",
)
@click.option("--auth", type=click.Choice(["digest", "basic"]), default="digest", show_default=True)
@click.option(
    "--query-endpoint",
    metavar="URL",
    help="A SPARQL query URL to count the pushed triples with. Default: gsp reads the graph back "
    "(GET); update asks the --endpoint URL itself.",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=10_000, show_default=True, metavar="N")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, metavar="SECONDS")
@data_option
def push(
    endpoint: str,
    graph: str | None,
    replace: bool,
    protocol: str,
    user: str | None,
    auth: str,
    query_endpoint: str | None,
    batch_size: int,
    timeout: float,
    data: tuple[str, ...],
) -> None:
    """Load the graph into a triple store, then check that the store holds it.

    Speaks the W3C protocols, so it works with Virtuoso, Apache Jena Fuseki,
    GraphDB, Oxigraph server and others. Timeouts and server errors (5xx) are
    retried; afterwards the triples in each target graph are counted and the
    command fails if the count is not what was sent. With --replace, pushing
    twice leaves one copy, blank nodes included.

    The password is never a command-line argument: set $CSPO_GRAPH_PASSWORD
    or type it at the prompt.

    \b
    Examples:
      cspo-graph push --endpoint http://localhost:7878/store --replace
      cspo-graph push --endpoint http://localhost:3030/cspo/data --replace \\
          --graph https://w3id.org/cspo-graph/graph/all --user admin --auth basic
      CSPO_GRAPH_PASSWORD=dba cspo-graph push --user dba --replace \\
          --endpoint http://localhost:8890/sparql-graph-crud-auth
    """
    from cspo_graph.rdf.parsing import load
    from cspo_graph.runtime.guard import allow_network
    from cspo_graph.stores import http
    from cspo_graph.stores.push import graphs_to_push
    from cspo_graph.stores.push import push as push_graphs

    allow_network()  # --endpoint is required: pushing is reaching the network on purpose
    http.check_url(endpoint)
    if query_endpoint:
        http.check_url(query_endpoint, "--query-endpoint")
    if graph is not None:
        http.check_iri(graph)
    credentials = None
    if user is not None:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            password = click.prompt(f"Password for {user}", hide_input=True, err=True)
        credentials = http.Credentials(user, password, auth)  # type: ignore[arg-type]
    targets = graphs_to_push(load(data), graph)
    total = sum(len(triples) for triples in targets.values())
    with click.progressbar(
        length=total,
        label="Pushing triples",
        file=sys.stderr,
        hidden=total <= batch_size,
    ) as bar:
        report = push_graphs(
            targets,
            endpoint,
            replace=replace,
            protocol=protocol,
            credentials=credentials,
            query_url=query_endpoint,
            batch_size=batch_size,
            timeout=timeout,
            progress=bar.update,
        )
    for name, sent in report.sent.items():
        click.echo(f"{name}: {sent} triples sent, the store holds {report.counted[name]}")
