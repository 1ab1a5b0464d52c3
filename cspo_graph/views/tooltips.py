"""What a reader needs to know about a resource of the graph, read from the data itself.

:class:`Lookup` gives a resource's label, its family (the broad class it is drawn
as: Person, Nation, Post...), its most specific classes, the lines of its tooltip
(its properties, the facts that point at it, each source's wording) and its
sources by title and publisher. Its registries name properties and paths in
SPARQL syntax (``^cspo:holder/cspo:post``), so that they read like the queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from cspo_graph import resources
from cspo_graph.query.render import compact
from cspo_graph.query.results import Term

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node


def iri(name: str) -> str:
    """The full IRI of a prefixed name such as ``cspo:Person``."""
    prefix, _, local = name.partition(":")
    return resources.PREFIXES[prefix] + local


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
        "org:hasSite": "site",
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


def term_of(node_id: str) -> Node:
    """The RDF term of a node id (an IRI, or ``_:`` and a blank node's id)."""
    import rdflib

    return rdflib.BNode(node_id[2:]) if node_id.startswith("_:") else rdflib.URIRef(node_id)


def id_of(term: Node) -> str:
    """The node id of an RDF term: its IRI, or ``_:`` and the blank node's id."""
    import rdflib

    return f"_:{term}" if isinstance(term, rdflib.BNode) else str(term)


def _flat(data: rdflib.Graph) -> rdflib.Graph:
    """The triples of a dataset (its union graph) in one plain graph, which answers the
    many small look-ups of a view quicker than the dataset."""
    import rdflib

    flat = rdflib.Graph()
    flat.addN((s, p, o, flat) for s, p, o in data.triples((None, None, None)))
    return flat


@cache
def _shipped_ontology() -> rdflib.Graph:
    from cspo_graph.rdf.parsing import load

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
        from cspo_graph.rdf.parsing import BUILTIN_GRAPHS

        links_graph = rdflib.URIRef(BUILTIN_GRAPHS[resources.LINKS])  # identifiers added for linking
        graphs = data.graphs() if isinstance(data, rdflib.Dataset) else ()
        links = next((graph for graph in graphs if graph.identifier == links_graph), ())
        self._added_for_linking = set(links)

    def values(self, node_id: str, path: str) -> list[Node]:
        """The values at the end of a SPARQL property path from the node, in a stable order."""
        return sorted(set(self.data.objects(term_of(node_id), property_path(path))), key=str)

    def text(self, node: Node) -> str:
        """A resource's label, or a literal's text."""
        return str(node) if isinstance(node, self._literal) else self.label(id_of(node))

    def label(self, node_id: str) -> str:
        """The resource's label (rdfs:label, else foaf:name), else its short IRI."""
        for graph in (self.data, self.schema):
            for prop in ("rdfs:label", "foaf:name"):
                found = graph.objects(term_of(node_id), property_path(prop))
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
        labels = sorted(self.schema.objects(term_of(prop), property_path("rdfs:label")))
        if labels:
            return str(labels[0])
        local = prop.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return "".join(f" {c.lower()}" if c.isupper() else c for c in local).strip()

    def _types(self, node_id: str) -> set[str]:
        return {str(cls) for cls in self.data.objects(term_of(node_id), property_path("rdf:type"))}

    def _superclasses(self, cls: str) -> set[str]:
        return {str(c) for c in self.schema.objects(term_of(cls), property_path("rdfs:subClassOf*"))}

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

    def _linking_mark(self, node_id: str, prop: Node, value: Node) -> str:
        """Says so when a triple is an identifier added for linking, not a fact from a source."""
        return " (added for linking)" if (term_of(node_id), prop, value) in self._added_for_linking else ""

    def details(self, node_id: str) -> list[list[str]]:
        """Tooltip lines: the node's own properties, the facts that point at it, each source's wording."""
        own = sorted(self.data.predicate_objects(term_of(node_id)), key=lambda po: (str(po[0]), str(po[1])))
        lines = [
            [self.property_name(str(p)) + self._linking_mark(node_id, p, o), self.text(o)]
            for p, o in own
            if str(p) not in NOT_DETAILS
        ]
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
