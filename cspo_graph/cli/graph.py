"""``cspo-graph graph`` and ``cspo-graph analyze``: a view as a picture, a file, or measures."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from cspo_graph.cli.options import data_option, emit, format_choice, quiet_option, rows_format_option
from cspo_graph.rdf.formats import Carries, names

if TYPE_CHECKING:
    import networkx as nx

F = TypeVar("F", bound=Callable[..., object])

VIEW_NAMES = ("representation", "statements", "membership", "all")
"""The shipped views (checked against :data:`cspo_graph.views.catalog.VIEWS` by the tests); named
here so that listing the commands does not import the views' libraries."""
DEFAULT_OUTPUT = "cspo-graph"


def view_options(command: F) -> F:
    """``--view NAME`` or ``--query FILE.rq``, and ``--data FILE``: which graph to look at."""
    command = click.option(
        "--query",
        "query_file",
        metavar="FILE.rq",
        type=click.Path(dir_okay=False),
        help="A custom view: a SPARQL CONSTRUCT query whose links between resources are drawn "
        "(its first comment lines give the title and description).",
    )(command)
    command = click.option(
        "--view",
        "view_name",
        type=click.Choice(VIEW_NAMES),
        default=None,
        help="representation: who represents whom; statements: who said what; membership: "
        "who joined the CSpO when; all: everything (the default).",
    )(command)
    return data_option(command)


def _build(view_name: str | None, query_file: str | None, data: tuple[str, ...]) -> nx.MultiDiGraph:
    from cspo_graph.errors import UsageError
    from cspo_graph.query.engines import Source
    from cspo_graph.query.engines.memory import RdflibEngine
    from cspo_graph.views.catalog import DEFAULT_VIEW, build, view_from_file

    if view_name and query_file:
        raise UsageError("give --view or --query, not both")
    view = view_from_file(query_file) if query_file else view_name or DEFAULT_VIEW
    with RdflibEngine(Source(files=data)) as engine:  # the views read labels and sources from its data
        return build(engine, view)


@click.command()
@click.argument("out", metavar="[OUT]", required=False, type=click.Path(dir_okay=False))
@view_options
@quiet_option
@format_choice(
    names(Carries.VIEW),
    None,
    "html: an interactive page that works offline; graphml, gexf: for Gephi, Cytoscape, yEd; "
    "node-link: node-link JSON for D3. [default: from OUT's extension, else html]",
)
def graph(
    out: str | None, view_name: str | None, query_file: str | None, data: tuple[str, ...], fmt: str | None
) -> None:
    """Draw a view of the graph: write it as one offline HTML page (or GraphML, GEXF, JSON).

    OUT defaults to cspo-graph.html (cspo-graph.graphml, .gexf, .json for the other
    formats); '-' writes to standard output. The file appears whole or not at all.
    The page needs no network: open it in any browser, hover a node or an edge for
    its details and sources.

    \b
    Example:
      cspo-graph graph
      cspo-graph graph who-said-what.html --view statements
      cspo-graph graph cspo.graphml --view all
      cspo-graph graph --query my-view.rq --data builtin --data more.ttl
    """
    from cspo_graph.views.formats import format_for, write

    chosen = format_for(fmt, None if out == "-" else out)
    text = write(_build(view_name, query_file, data), chosen)
    target = out or DEFAULT_OUTPUT + chosen.extensions[0]
    emit(text, None if target == "-" else target)


@click.command()
@view_options
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many nodes to list, most central first (0: all).",
)
@rows_format_option
def analyze(view_name: str | None, query_file: str | None, data: tuple[str, ...], limit: int, fmt: str) -> None:
    """Measure a view: its most central nodes and its connected components.

    Each row is a node: its degree (how many others it is linked to), its
    betweenness centrality (the share of shortest paths between two other nodes
    that pass through it), and the connected component it is in (1 = the largest)
    with that component's size. Edge direction is ignored.

    \b
    Example:
      cspo-graph analyze
      cspo-graph analyze --view representation --limit 5
      cspo-graph analyze --format csv --limit 0 > centrality.csv
    """
    from cspo_graph.query.render import render
    from cspo_graph.views.analytics import centrality, centrality_result

    ranked = centrality(_build(view_name, query_file, data))
    emit(render(centrality_result(ranked, limit), fmt.lower()), None)
