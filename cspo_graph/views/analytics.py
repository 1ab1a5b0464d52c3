"""Graph measures of a view: the most central nodes and the connected components.

The measures are taken on the view as an undirected simple graph: an edge's
direction follows how the RDF happens to be written (a delegation points at the
nation it represents), not who influences whom, and two facts between the same
two nodes (Robert Brose acting in a post, and performing its duties) are one tie.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cspo_graph.query.results import XSD, QueryResult, Term

if TYPE_CHECKING:
    import networkx as nx


COLUMNS = ("rank", "node", "class", "degree", "betweenness", "component", "component_size", "iri")
"""The columns of the table ``cspo-graph analyze`` prints."""


@dataclass(frozen=True)
class Centrality:
    """How central one node of a view is, and which connected component it is in."""

    node: str
    label: str
    kind: str
    degree: int
    betweenness: float
    component: int
    component_size: int


def undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """The view as an undirected simple graph (direction and parallel edges dropped)."""
    import networkx as nx

    return nx.Graph(graph.to_undirected(as_view=True))


def degrees(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Each node's number of distinct neighbours."""
    return dict(undirected(graph).degree())


def components(graph: nx.MultiDiGraph) -> list[list[str]]:
    """The connected components, largest first, each a sorted list of nodes."""
    import networkx as nx

    found = [sorted(nodes) for nodes in nx.connected_components(undirected(graph))]
    return sorted(found, key=lambda nodes: (-len(nodes), nodes[0]))


def centrality(graph: nx.MultiDiGraph) -> list[Centrality]:
    """Every node with its degree and betweenness, most central first (by degree, then betweenness)."""
    import networkx as nx

    simple = undirected(graph)
    betweenness = nx.betweenness_centrality(simple)
    component_of = {node: (number, len(nodes)) for number, nodes in enumerate(components(graph), 1) for node in nodes}
    ranked = [
        Centrality(
            node,
            graph.nodes[node].get("label", node),
            graph.nodes[node].get("kind", ""),
            simple.degree(node),
            betweenness[node],
            *component_of[node],
        )
        for node in simple.nodes
    ]
    return sorted(ranked, key=lambda c: (-c.degree, -c.betweenness, c.label))


def centrality_result(ranked: list[Centrality], limit: int | None = None) -> QueryResult:
    """A table of the most central nodes, for :func:`cspo_graph.formats.render`."""
    rows = [
        (
            Term("literal", str(rank), XSD + "integer"),
            Term("literal", c.label),
            Term("literal", c.kind),
            Term("literal", str(c.degree), XSD + "integer"),
            Term("literal", f"{c.betweenness:.3f}", XSD + "decimal"),
            Term("literal", str(c.component), XSD + "integer"),
            Term("literal", str(c.component_size), XSD + "integer"),
            Term("bnode", c.node[2:]) if c.node.startswith("_:") else Term("uri", c.node),
        )
        for rank, c in enumerate(ranked[:limit] if limit else ranked, 1)
    ]
    return QueryResult("SELECT", variables=list(COLUMNS), rows=rows)  # type: ignore[arg-type]
