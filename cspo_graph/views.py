"""Views: the RDF graph projected into networkx graphs, one per question.

A view is a SPARQL CONSTRUCT query over the loaded data, run through
:func:`cspo_graph.sparql.run_query`. Its triples between two resources become the
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
- every node gets what a reader needs to know it from the data itself: ``label``,
  ``family`` (the broad class that sets its colour and shape: Person, Nation,
  Post...), ``kind`` (its most specific classes), ``details`` (``[name, value]``
  pairs: its properties, the facts that point at it, each source's wording) and
  ``sources`` (each source document by title and publisher).
- the graph's ``title``, ``description`` and ``sources`` say what the view shows
  and where its facts come from.

rdflib's converter does not fit the rest: it would turn every literal into a
node and knows nothing of labels, classes or n-ary facts, so those steps are
written here on top of its output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cspo_graph import resources
from cspo_graph.errors import InputError, UsageError
from cspo_graph.formats import compact
from cspo_graph.results import Term

if TYPE_CHECKING:
    import networkx as nx
    import rdflib
    from rdflib.term import Node


def iri(name: str) -> str:
    """The full IRI of a prefixed name such as ``cspo:Person``."""
    prefix, _, local = name.partition(":")
    return resources.PREFIXES[prefix] + local


@dataclass(frozen=True)
class View:
    """A named projection: a SPARQL CONSTRUCT query and what the picture it gives shows."""

    name: str
    title: str
    description: str
    query: str
    source: str = "<view>"


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
            "Each verbatim statement with its speaker and the meeting it was made at, and the "
            "source documents that report it with their publishers. Hover a statement for the "
            "full quote.",
            """
CONSTRUCT {
  ?statement cspo:speaker ?speaker ; cspo:atMeeting ?meeting ; prov:wasDerivedFrom ?source .
  ?source dcterms:publisher ?publisher .
}
WHERE {
  ?statement a cspo:Statement ; cspo:speaker ?speaker .
  OPTIONAL { ?statement cspo:atMeeting ?meeting }
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
            "claims. Post holdings and memberships are drawn as labelled edges; sources, "
            "wordings, dates and capacities are in the tooltips.",
            """
CONSTRUCT { ?s ?p ?o }
WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?o))
  FILTER(?p NOT IN (rdf:type, rdfs:isDefinedBy, prov:wasDerivedFrom, cspo:wordingOf,
                    org:memberDuring, cspo:capacity, cspo:variantOf, time:hasTime))
  FILTER EXISTS { ?s a ?sClass . FILTER(STRSTARTS(STR(?sClass), STR(cspo:))) }
  FILTER EXISTS { ?o a ?oClass . FILTER(STRSTARTS(STR(?oClass), STR(cspo:))) }
}""",
        ),
    )
}
"""The shipped views, by name."""

DEFAULT_VIEW = "all"

FAMILIES: tuple[tuple[str, str], ...] = tuple(
    (name, iri(cls))
    for name, cls in (
        ("Person", "cspo:Person"),
        ("Nation", "cspo:Nation"),
        ("Initiative", "cspo:Initiative"),
        ("Organization", "cspo:Organization"),
        ("Post", "cspo:Post"),
        ("Meeting", "cspo:Meeting"),
        ("Delegation", "cspo:Delegation"),
        ("Statement", "cspo:Statement"),
        ("Reported claim", "cspo:Claim"),
        ("Source document", "cspo:SourceDocument"),
        ("Facility", "cspo:Facility"),
        ("Place", "cspo:Place"),
        ("Post holding", "cspo:PostHolding"),
        ("Membership", "cspo:Membership"),
    )
)
"""(family, class): a node's family is the first whose class (or a subclass of it) the
node is an instance of; the HTML gives each family a colour and a shape."""
OTHER_FAMILY = "Other"

PROPERTY_NAMES = {
    iri(name): text
    for name, text in {
        "skos:altLabel": "also called",
        "schema:honorificPrefix": "honorific",
        "schema:foundingDate": "founded",
        "schema:about": "about",
        "schema:mentions": "mentions",
        "schema:containedInPlace": "in",
        "foaf:name": "name",
        "dcterms:title": "title",
        "dcterms:publisher": "publisher",
        "time:hasTime": "date",
        "rdfs:comment": "note",
        "org:postIn": "post in",
        "org:member": "member",
        "org:organization": "organization",
        "org:memberDuring": "member during",
        "org:hasPrimarySite": "primary site",
        "prov:wasDerivedFrom": "source",
    }.items()
}
"""Display names of the properties the ontology does not label itself."""

NOT_DETAILS = {iri(name) for name in ("rdf:type", "rdfs:label", "rdfs:isDefinedBy", "prov:wasDerivedFrom")}
"""Properties a tooltip does not list as such (the label and the sources are shown apart)."""

POINTING_AT: dict[str, tuple[tuple[str, str], ...]] = {
    "Person": (
        ("posts", "^cspo:holder/cspo:post"),
        ("statements", "^cspo:speaker"),
        ("leads", "^cspo:ledBy"),
    ),
    "Post": (("held by", "^cspo:post/cspo:holder"),),
    "Nation": (
        ("member of", "^org:member/org:organization"),
        ("represented by", "^cspo:represents"),
    ),
    "Initiative": (("members", "^org:organization/org:member"),),
    "Organization": (("posts", "^org:postIn"),),
    "Meeting": (("delegations", "^cspo:attended"),),
    "Membership": (
        ("joined in", "org:memberDuring/cspo:startYear"),
        ("founding member", "org:memberDuring/cspo:founding"),
    ),
}
"""More tooltip lines per family: (name, SPARQL property path from the node) for the
facts that point at the node or that it reaches in more than one step."""

WORDINGS = "^cspo:wordingOf|org:memberDuring/^cspo:wordingOf"
"""From a fact to the wordings that state it (a membership's include its period's)."""


@cache
def property_path(path: str) -> Any:
    """An rdflib property path from SPARQL property path syntax, e.g. ``^cspo:holder/cspo:post``."""
    from rdflib.plugins.sparql import prepareQuery

    query = prepareQuery(f"SELECT * WHERE {{ ?s {path} ?o }}", initNs=resources.PREFIXES)
    return query.algebra.p.p.triples[0][1]


def _resource(node_id: str) -> Node:
    import rdflib

    return rdflib.BNode(node_id[2:]) if node_id.startswith("_:") else rdflib.URIRef(node_id)


def _node_id(node: Node) -> str:
    import rdflib

    return f"_:{node}" if isinstance(node, rdflib.BNode) else str(node)


def _flat(data: rdflib.Graph) -> rdflib.Graph:
    """The triples of a dataset (its union graph) in one plain graph, which answers the
    many small look-ups of a view quicker than the dataset."""
    import rdflib

    flat = rdflib.Graph()
    flat.addN((s, p, o, flat) for s, p, o in data.triples((None, None, None)))
    return flat


@cache
def _shipped_ontology() -> rdflib.Graph:
    from cspo_graph.rdfio import load

    return load([resources.ONTOLOGY])


class Lookup:
    """Labels, classes, details and sources of resources, read from the loaded data.

    The class hierarchy and property labels come from the ontology in the data, or
    from the shipped ontology when the data was loaded without it.
    """

    def __init__(self, data: rdflib.Graph) -> None:
        import rdflib

        self.data = _flat(data)
        self._literal = rdflib.Literal
        ontology = (rdflib.URIRef(resources.NAMESPACE.rstrip("#")), rdflib.RDF.type, rdflib.OWL.Ontology)
        self.schema = self.data if ontology in self.data else _flat(_shipped_ontology())
        self._families: dict[str, str] = {}

    def values(self, node_id: str, path: str) -> list[Node]:
        """The values at the end of a SPARQL property path from the node, in a stable order."""
        return sorted(set(self.data.objects(_resource(node_id), property_path(path))), key=str)

    def text(self, node: Node) -> str:
        """A resource's label, or a literal's text."""
        return str(node) if isinstance(node, self._literal) else self.label(_node_id(node))

    def label(self, node_id: str) -> str:
        """The resource's label (rdfs:label, else foaf:name), else its short IRI."""
        for graph in (self.data, self.schema):
            for prop in ("rdfs:label", "foaf:name"):
                found = graph.objects(_resource(node_id), property_path(prop))
                labels = sorted(found, key=lambda label: (label.language not in (None, "en"), label))
                if labels:
                    return str(labels[0])
        if node_id.startswith("_:"):
            return compact(Term("bnode", node_id[2:]))
        return compact(Term("uri", node_id))

    def property_name(self, prop: str) -> str:
        """What a property is called on an edge or in a tooltip."""
        if prop in PROPERTY_NAMES:
            return PROPERTY_NAMES[prop]
        labels = sorted(self.schema.objects(_resource(prop), property_path("rdfs:label")))
        if labels:
            return str(labels[0])
        local = prop.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return "".join(f" {c.lower()}" if c.isupper() else c for c in local).strip()

    def _types(self, node_id: str) -> set[str]:
        return {str(cls) for cls in self.data.objects(_resource(node_id), property_path("rdf:type"))}

    def _superclasses(self, cls: str) -> set[str]:
        return {str(c) for c in self.schema.objects(_resource(cls), property_path("rdfs:subClassOf*"))}

    def kind(self, node_id: str) -> str:
        """The labels of the node's most specific classes."""
        types = self._types(node_id)
        broader = {parent for cls in types for parent in self._superclasses(cls) if parent != cls}
        return ", ".join(sorted(self.label(cls) for cls in types - broader))

    def is_a(self, node_id: str, cls: str) -> bool:
        """Whether the node is an instance of the class or of one of its subclasses."""
        return any(cls in self._superclasses(t) for t in self._types(node_id))

    def family(self, node_id: str) -> str:
        """The broad class the node is drawn as."""
        if node_id not in self._families:
            found = (name for name, cls in FAMILIES if self.is_a(node_id, cls))
            self._families[node_id] = next(found, OTHER_FAMILY)
        return self._families[node_id]

    def sources(self, node_id: str, path: str = "prov:wasDerivedFrom") -> list[str]:
        """The node's source documents, each by title and publisher."""
        return [self.source_text(str(source)) for source in self.values(node_id, path)]

    def source_text(self, source_id: str) -> str:
        """A source document by its title (its label when it has none) and its publisher."""
        titles = self.values(source_id, "dcterms:title")
        name = str(titles[0]) if titles else self.label(source_id)
        publishers = [self.text(p) for p in self.values(source_id, "dcterms:publisher")]
        return f"{name} ({', '.join(publishers)})" if publishers else name

    def details(self, node_id: str) -> list[list[str]]:
        """Tooltip lines: the node's own properties, the facts that point at it, each source's wording."""
        own = sorted(self.data.predicate_objects(_resource(node_id)), key=lambda po: (str(po[0]), str(po[1])))
        lines = [[self.property_name(str(p)), self.text(o)] for p, o in own if str(p) not in NOT_DETAILS]
        for name, path in POINTING_AT.get(self.family(node_id), ()):
            lines += [[name, self.text(value)] for value in self.values(node_id, path)]
        for wording in self.values(node_id, WORDINGS):
            for source in self.values(str(wording), "prov:wasDerivedFrom"):
                lines += [
                    [f"as worded in {self.label(str(source))}", str(text)]
                    for text in self.values(str(wording), "cspo:text")
                ]
        return _unique(lines)


def _unique(lines: Iterable[list[str]]) -> list[list[str]]:
    seen: set[tuple[str, ...]] = set()
    return [line for line in lines if not (tuple(line) in seen or seen.add(tuple(line)))]


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
    founding = any(f.toPython() is True for f in lookup.values(fact, "org:memberDuring/cspo:founding"))
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
    from cspo_graph.library import read_query_file

    named = read_query_file(Path(path))
    return View(named.name, named.title, named.description, named.text, str(path))


def build(data: rdflib.Graph, view: View | str = DEFAULT_VIEW) -> nx.MultiDiGraph:
    """Project the loaded data into the networkx graph of a view (see the module docstring)."""
    import rdflib
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    from cspo_graph.results import term_to_rdflib
    from cspo_graph.sparql import run_query

    if isinstance(view, str):
        view = view_named(view)
    result = run_query(data, view.query, source=view.source)
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
        transform_s=_node_id,
        transform_o=_node_id,
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
    for _, _, attributes in graph.edges(data=True):
        attributes.setdefault("title", attributes["label"])
        attributes.setdefault("details", [])
        attributes.setdefault("sources", [])
        cited.update(attributes["sources"])
    graph.graph["sources"] = sorted(cited)
