"""Views: the RDF graph projected into networkx graphs, one per question.

A view is a SPARQL CONSTRUCT query over the loaded data, run through the rdflib
engine (:mod:`cspo_graph.query.engines`), as every query is. Its triples between two resources become the
edges of a :class:`networkx.MultiDiGraph` (rdflib's own converter,
:func:`rdflib.extras.external_graph_libs.rdflib_to_networkx_multidigraph`, does
that part, keyed by predicate); triples whose object is a literal are not edges
and are left out. Then:

- n-ary facts that read better as one labelled edge are collapsed into it: a
  post holding becomes ``person -> post`` labelled with its capacity, a
  membership becomes ``nation -> initiative`` labelled with the year the nation
  joined (and whether it founded the initiative); the edge keeps the fact's IRI
  (``via``), details and sources. A fact is collapsed only when the view links it
  to nothing but its two ends. Statements and delegations stay nodes: a
  statement's quote is what a reader looks for (and one speaker's two statements
  at one meeting would be two overlapping edges), and a delegation joins three
  or more things (nation, meeting, leaders).
- every node gets what a reader needs to know it, read from the data by
  :class:`cspo_graph.views.tooltips.Lookup`: ``label``, ``family`` (the broad class
  that sets its colour and shape: Person, Nation, Post...), ``kind`` (its most
  specific classes), ``details`` (``[name, value]`` pairs: its properties, the
  facts that point at it, each source's wording) and ``sources`` (each source
  document by title and publisher).
- the graph's ``title``, ``description`` and ``sources`` say what the view shows
  and where its facts come from.

rdflib's converter does not fit the rest: it would turn every literal into a
node and knows nothing of labels, classes or n-ary facts, so those steps are
written here on top of its output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cspo_graph.errors import InputError, UsageError
from cspo_graph.views.tooltips import Lookup, id_of, iri, term_of

if TYPE_CHECKING:
    import networkx as nx
    from rdflib.term import Node

    from cspo_graph.query.engines.memory import RdflibEngine


@dataclass(frozen=True)
class View:
    """A named projection: a SPARQL CONSTRUCT query and what the picture it gives shows."""

    name: str
    title: str
    description: str
    query: str
    source: str = "<view>"
    base: str | None = None
    """The query's base IRI (a view read from a file: the file's)."""


VIEWS: dict[str, View] = {
    view.name: view
    for view in (
        View(
            "representation",
            "Who represents whom",
            "People, the posts they hold (edges labelled with the capacity), the organizations "
            "and nations those posts serve, and the delegations that represent each nation at a "
            "meeting, with the people who lead them.",
            """
CONSTRUCT {
  ?holding cspo:holder ?person ; cspo:post ?post .
  ?post org:postIn ?organization .
  ?organization cspo:nation ?nation .
  ?delegation cspo:represents ?country ; cspo:attended ?meeting ; cspo:ledBy ?leader .
}
WHERE {
  {
    ?holding a cspo:PostHolding ; cspo:holder ?person ; cspo:post ?post .
    OPTIONAL { ?post org:postIn ?organization . OPTIONAL { ?organization cspo:nation ?nation } }
  } UNION {
    ?delegation a cspo:Delegation ; cspo:represents ?country .
    OPTIONAL { ?delegation cspo:attended ?meeting }
    OPTIONAL { ?delegation cspo:ledBy ?leader }
  }
}""",
        ),
        View(
            "statements",
            "Who said what",
            "Each verbatim statement with its speaker, and the source documents that report it "
            "with their publishers (neither text says where the words were spoken). Click a "
            "statement for the full quote and each source's wording.",
            """
CONSTRUCT {
  ?statement cspo:speaker ?speaker ; prov:wasDerivedFrom ?source .
  ?source dcterms:publisher ?publisher .
}
WHERE {
  ?statement a cspo:Statement ; cspo:speaker ?speaker .
  OPTIONAL { ?statement prov:wasDerivedFrom ?source . OPTIONAL { ?source dcterms:publisher ?publisher } }
}""",
        ),
        View(
            "membership",
            "Who is a member of the CSpO, and since when",
            "Each member nation linked to the initiative by an edge labelled with the year it "
            "joined and whether it was a founding member.",
            """
CONSTRUCT { ?membership org:member ?nation ; org:organization ?initiative . }
WHERE { ?membership a cspo:Membership ; org:member ?nation ; org:organization ?initiative . }""",
        ),
        View(
            "all",
            "The whole CSpO graph",
            "Every resource of the data and every link between two of them: nations, "
            "organizations, people, posts, the meeting, delegations, statements and reported "
            "claims (not the curators' judgements nor the named graphs). Post holdings and "
            "memberships are drawn as labelled edges; sources, wordings, dates and capacities "
            "are in the details.",
            """
CONSTRUCT { ?s ?p ?o }
WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?o))
  FILTER(?p NOT IN (rdf:type, rdfs:isDefinedBy, prov:wasDerivedFrom, cspo:wordingOf,
                    org:memberDuring, cspo:capacity, cspo:variantOf, time:hasTime,
                    cspo:judgementOn, cspo:attribution))
  FILTER EXISTS { ?s a ?sClass . FILTER(STRSTARTS(STR(?sClass), STR(cspo:))) }
  FILTER EXISTS { ?o a ?oClass . FILTER(STRSTARTS(STR(?oClass), STR(cspo:))) }
  FILTER NOT EXISTS { ?s a ?record . FILTER(?record IN (cspo:Judgement, cspo:SourceGraph, cspo:CurationGraph)) }
  FILTER NOT EXISTS { ?o a ?record . FILTER(?record IN (cspo:Judgement, cspo:SourceGraph, cspo:CurationGraph)) }
}""",
        ),
    )
}
"""The shipped views, by name."""

DEFAULT_VIEW = "all"


@dataclass(frozen=True)
class Collapse:
    """An n-ary fact drawn as one edge, from one of its roles to another; ``attributes``
    gives the edge's label and the fact's own values."""

    cls: str
    source_role: str
    target_role: str
    attributes: Callable[[Lookup, str], dict[str, Any]]
    sources: str = "prov:wasDerivedFrom"


def _post_holding(lookup: Lookup, fact: str) -> dict[str, Any]:
    capacity = ", ".join(lookup.text(c) for c in lookup.values(fact, "cspo:capacity"))
    return {"label": capacity or "holds", "capacity": capacity}


def _membership(lookup: Lookup, fact: str) -> dict[str, Any]:
    years = [int(str(year)) for year in lookup.values(fact, "org:memberDuring/cspo:startYear")]
    founding = any(str(f) in ("true", "1") for f in lookup.values(fact, "org:memberDuring/cspo:founding"))
    label = f"member since {min(years)}" if years else "member"
    values: dict[str, Any] = {"label": label + (" (founding)" if founding else ""), "founding": founding}
    return values | ({"start_year": min(years)} if years else {})


COLLAPSES = (
    Collapse(iri("cspo:PostHolding"), iri("cspo:holder"), iri("cspo:post"), _post_holding),
    Collapse(
        iri("cspo:Membership"),
        iri("org:member"),
        iri("org:organization"),
        _membership,
        "prov:wasDerivedFrom|org:memberDuring/prov:wasDerivedFrom",
    ),
)
"""The n-ary facts drawn as edges (the module docstring says why these and not others)."""


def view_named(name: str) -> View:
    """The shipped view called ``name``."""
    if name not in VIEWS:
        raise UsageError(f"unknown view {name!r} (known: {', '.join(VIEWS)})")
    return VIEWS[name]


def view_from_file(path: str | Path) -> View:
    """A custom view from a CONSTRUCT query file; its first comment lines give its title and description."""
    from cspo_graph.query.library import read_query_file

    named = read_query_file(Path(path))
    return View(named.name, named.title, named.description, named.text, str(path), named.base)


def build(engine: RdflibEngine, view: View | str = DEFAULT_VIEW, *, timeout: float | None = None) -> nx.MultiDiGraph:
    """Project the engine's data into the networkx graph of a view (see the module docstring)."""
    import rdflib
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    from cspo_graph.query.engines import Request
    from cspo_graph.query.results import term_to_rdflib

    if isinstance(view, str):
        view = view_named(view)
    data = engine.dataset
    result = engine.query(Request(view.query, view.source, timeout=timeout, base=view.base))
    if result.kind != "CONSTRUCT":
        raise InputError(f"a view needs a CONSTRUCT query, not a {result.kind} query", view.source)
    links = rdflib.Graph()
    for triple in result.triples:
        if triple[2].kind != "literal":
            links.add(tuple(term_to_rdflib(term) for term in triple))  # type: ignore[arg-type]
    if not links:
        raise InputError("the view's query links no two resources: there is nothing to draw", view.source)
    lookup = Lookup(data)

    def edge_attributes(_: Node, p: Node, __: Node) -> dict[str, str]:
        return {"key": str(p), "predicate": str(p), "label": lookup.property_name(str(p))}

    graph = rdflib_to_networkx_multidigraph(
        links,
        edge_attrs=edge_attributes,
        transform_s=id_of,
        transform_o=id_of,
    )
    _collapse(graph, lookup)
    _describe(graph, lookup)
    graph.graph.update(name=view.name, title=view.title, description=view.description)
    return _in_order(graph)


def _in_order(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph with its nodes and edges sorted, so that a view always comes out the same
    (an rdflib graph iterates its triples in an order that changes from run to run)."""
    import networkx as nx

    ordered = nx.MultiDiGraph(**graph.graph)
    ordered.add_nodes_from(sorted(graph.nodes(data=True), key=lambda node: node[0]))
    ordered.add_edges_from(sorted(graph.edges(keys=True, data=True), key=lambda edge: edge[:3]))
    return ordered


def _collapse(graph: nx.MultiDiGraph, lookup: Lookup) -> None:
    """Replace each collapsible n-ary fact that the view links only to its two ends by one edge."""
    for node in list(graph.nodes):
        rule = next((rule for rule in COLLAPSES if lookup.is_a(node, rule.cls)), None)
        if rule is None or graph.in_degree(node) or graph.out_degree(node) != 2:
            continue
        ends = {key: target for _, target, key in graph.out_edges(node, keys=True)}
        if set(ends) != {rule.source_role, rule.target_role}:
            continue
        graph.remove_node(node)
        graph.add_edge(
            ends[rule.source_role],
            ends[rule.target_role],
            key=node,
            predicate=rule.cls,
            via=node,
            title=lookup.label(node),
            details=lookup.details(node),
            sources=lookup.sources(node, rule.sources),
            **rule.attributes(lookup, node),
        )


def _describe(graph: nx.MultiDiGraph, lookup: Lookup) -> None:
    """Give every node its label, family, kind, details and sources; the graph all their sources."""
    cited: set[str] = set()
    for node, attributes in graph.nodes(data=True):
        attributes.update(
            label=lookup.label(node),
            family=lookup.family(node),
            kind=lookup.kind(node),
            details=lookup.details(node),
            sources=lookup.sources(node),
        )
        cited.update(attributes["sources"])
    for source, target, attributes in graph.edges(data=True):
        attributes.setdefault("title", attributes["label"])
        if "via" not in attributes:  # a plain triple: its own sources, and the quote it comes from
            triple = (term_of(source), term_of(attributes["predicate"]), term_of(target))
            attributes.update(sources=lookup.triple_sources(triple), details=lookup.edge_details(source, target))
        cited.update(attributes["sources"])
    graph.graph["sources"] = sorted(cited)
