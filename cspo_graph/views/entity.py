"""What the data knows about one entity, and who says so: the entity page and ``cspo-graph describe``.

:func:`describe` gathers an entity's names and classes, every statement about it and
pointing at it, grouped as a reader expects (posts, delegations, statements made,
memberships...), and for each statement the sources that state it: the named graph of
each source document that holds the triple (docs/provenance.md), with the source's own
wording of the fact, or the curators' judgement and its reason for a triple of the
curation graph. :func:`entity_data` gives the same triples as RDF, in their named graphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cspo_graph import resources
from cspo_graph.errors import UsageError
from cspo_graph.views.tooltips import Lookup, id_of, iri

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

    from cspo_graph.rdf.formats import Format

CURATION_GRAPH = "https://w3id.org/cspo-graph/graph/curation"

GROUPS: tuple[tuple[str, str, str], ...] = (
    ("Posts", "cspo:PostHolding", "cspo:holder"),
    ("Holders", "cspo:PostHolding", "cspo:post"),
    ("Delegations it leads", "cspo:Delegation", "cspo:ledBy"),
    ("Delegations representing it", "cspo:Delegation", "cspo:represents"),
    ("Delegations at this meeting", "cspo:Delegation", "cspo:attended"),
    ("Statements made", "cspo:Statement", "cspo:speaker"),
    ("Memberships", "cspo:Membership", "org:member"),
    ("Members", "cspo:Membership", "org:organization"),
    ("Claims about it", "cspo:Claim", "schema:about"),
)
"""(heading, class, property): the facts that point at an entity through the property from
an instance of the class are listed under the heading, in this order; other facts pointing
at it come under "Also linked from"."""

SKIPPED = {iri(name) for name in ("rdf:type", "rdfs:label", "prov:wasDerivedFrom", "rdfs:isDefinedBy")}
"""Properties not listed as statements (the classes, labels and sources are shown apart)."""


@dataclass(frozen=True)
class Source:
    """Who states a triple: a source document (with its wording of the fact) or the curators."""

    name: str
    wordings: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Statement:
    """One triple shown on the page: property, value (a resource or a literal), its sources."""

    property: str
    value: str
    value_id: str | None
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Item:
    """A fact node pointing at the entity (a post holding, a statement...) with its own statements."""

    id: str
    label: str
    kind: str
    statements: tuple[Statement, ...]
    sources: tuple[Source, ...]


@dataclass
class Description:
    """Everything the entity page and ``describe`` show."""

    id: str
    label: str
    classes: list[str]
    names: list[Statement] = field(default_factory=list)
    about: list[Statement] = field(default_factory=list)
    groups: list[tuple[str, list[Item]]] = field(default_factory=list)


class Describer:
    """Reads descriptions of entities from a loaded dataset (with its per-source graphs)."""

    def __init__(self, data: rdflib.Dataset) -> None:

        self.data = data
        self.lookup = Lookup(data)

    def resolve(self, name: str) -> str:
        """The IRI of ``NAME`` (a local name of the cspo namespace, a prefixed name, or an IRI)."""
        import rdflib

        candidates = [name] if "://" in name else []
        prefix, colon, local = name.partition(":")
        if colon and prefix in resources.PREFIXES:
            candidates.append(resources.PREFIXES[prefix] + local)
        candidates.append(resources.NAMESPACE + name)
        for candidate in candidates:
            node = rdflib.URIRef(candidate)
            if (node, None, None) in self.lookup.data or (None, None, node) in self.lookup.data:
                return candidate
        raise UsageError(f"no entity {name!r} in the data (give a local name such as RobertBrose, or an IRI)")

    def sources(self, triple: tuple[Node, Node, Node], wordings_of: str | None = None) -> tuple[Source, ...]:
        """The sources that state a triple: each source graph holding it, or the curators' judgement."""
        import rdflib

        found: list[Source] = []
        for graph in self.lookup.graphs_holding(triple):
            if graph in self.lookup.graph_sources:
                document = self.lookup.graph_sources[graph]
                wordings = self._wordings(wordings_of, graph) if wordings_of else ()
                found.append(Source(self.lookup.source_text(document), wordings))
            elif graph == CURATION_GRAPH:
                found.append(Source("The curators' judgement", (), self._reason(triple)))
            elif isinstance(triple[1], rdflib.URIRef) and graph.endswith("/links"):
                found.append(Source("Added for linking (an identifier, not a fact from a source)"))
        return tuple(found)

    def _wordings(self, fact: str, graph: str) -> tuple[str, ...]:
        import rdflib

        named = self.data.graph(rdflib.URIRef(graph))
        wording_of = rdflib.URIRef(iri("cspo:wordingOf"))
        texts = [
            str(text)
            for wording in named.subjects(wording_of, rdflib.URIRef(fact))
            for text in named.objects(wording, rdflib.URIRef(iri("cspo:text")))
        ]
        return tuple(sorted(set(texts)))

    def _reason(self, triple: tuple[Node, Node, Node]) -> str:
        import rdflib

        data = self.lookup.data
        judged = rdflib.URIRef(iri("cspo:judgedProperty"))
        for subject in (triple[0], triple[2]):
            for judgement in data.subjects(rdflib.URIRef(iri("cspo:judgementOn")), subject):
                if (judgement, judged, triple[1]) in data or (judgement, judged, None) not in data:
                    return " ".join(str(r) for r in data.objects(judgement, rdflib.URIRef(iri("cspo:reason"))))
        return ""

    def statement(self, triple: tuple[Node, Node, Node], wordings_of: str | None) -> Statement:
        import rdflib

        _, prop, value = triple
        value_id = id_of(value) if not isinstance(value, rdflib.Literal) else None
        return Statement(
            self.lookup.property_name(str(prop)), self.lookup.text(value), value_id, self.sources(triple, wordings_of)
        )

    def describe(self, name: str) -> Description:
        """The description of the entity called ``name``."""
        import rdflib

        entity_id = self.resolve(name)
        entity = rdflib.URIRef(entity_id)
        data = self.lookup.data
        kinds = self.lookup.kind(entity_id)
        description = Description(entity_id, self.lookup.label(entity_id), kinds.split(", ") if kinds else [])
        names = {iri(p) for p in ("rdfs:label", "foaf:name", "skos:altLabel", "schema:honorificPrefix")}
        for prop, value in sorted(data.predicate_objects(entity), key=lambda po: (str(po[0]), str(po[1]))):
            line = self.statement((entity, prop, value), entity_id)
            if str(prop) in names:
                description.names.append(line)
            elif str(prop) not in SKIPPED:
                description.about.append(line)
        pointing = sorted(data.subject_predicates(entity), key=lambda sp: (str(sp[1]), str(sp[0])))
        grouped: dict[str, list[Item]] = {}
        for subject, prop in pointing:
            heading = next(
                (h for h, cls, p in GROUPS if str(prop) == iri(p) and self.lookup.is_a(id_of(subject), iri(cls))),
                "Also linked from",
            )
            grouped.setdefault(heading, []).append(self.item(subject, (subject, prop, entity)))
        order = [heading for heading, _, _ in GROUPS] + ["Also linked from"]
        description.groups = [(heading, grouped[heading]) for heading in order if heading in grouped]
        return description

    def item(self, node: Node, link: tuple[Node, Node, Node]) -> Item:
        """A fact node pointing at the entity, with its other statements and the sources of the link."""
        node_id = id_of(node)
        own = sorted(self.lookup.data.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1])))
        statements = tuple(
            self.statement((node, prop, value), None)  # the fact's wordings are shown once, with the item
            for prop, value in own
            if str(prop) not in SKIPPED and (node, prop, value) != link
        )
        label, kind = self.lookup.label(node_id), self.lookup.kind(node_id)
        return Item(node_id, label, kind, statements, self.sources(link, node_id))


def entity_href(entity_id: str) -> str:
    """The path of an entity's page: ``/entity/NAME`` in the cspo namespace, else ``/entity?iri=``."""
    from urllib.parse import quote, urlencode

    local = entity_id[len(resources.NAMESPACE) :] if entity_id.startswith(resources.NAMESPACE) else ""
    if local and local.replace("-", "").replace("_", "").replace(".", "").isalnum() and local[0].isalpha():
        return f"/entity/{quote(local)}"
    return f"/entity?{urlencode({'iri': entity_id})}"


def entity_data(data: rdflib.Dataset, entity_id: str) -> rdflib.Dataset:
    """The entity's triples, those pointing at it and those of the facts that do (with their
    wordings), each in the named graph that holds it: what the entity page gives as RDF."""
    import rdflib

    entity = rdflib.URIRef(entity_id)
    facts = {entity} | {s for s, _, _, _ in data.quads((None, None, entity, None))}
    wording_of = rdflib.URIRef(iri("cspo:wordingOf"))
    wordings = {w for fact in facts for w, _, _, _ in data.quads((None, wording_of, fact, None))}
    out = rdflib.Dataset()
    for prefix, namespace in resources.PREFIXES.items():
        out.bind(prefix, namespace)
    for node in facts | wordings:
        for s, p, o, graph in data.quads((node, None, None, None)):
            out.add((s, p, o, out.graph(getattr(graph, "identifier", graph))))
    for s, p, o, graph in data.quads((None, None, entity, None)):
        out.add((s, p, o, out.graph(getattr(graph, "identifier", graph))))
    return out


def entity_rdf(data: rdflib.Dataset, entity_id: str, fmt: Format) -> str:
    """:func:`entity_data` written in RDF format ``fmt``: a quad format keeps each triple's
    graph (so its source); a triple format holds their union."""
    import rdflib

    described = entity_data(data, entity_id)
    if fmt.quads:
        return described.serialize(format=fmt.serializer)
    union = rdflib.Graph(namespace_manager=described.namespace_manager)
    for s, p, o, _ in described.quads((None, None, None, None)):
        union.add((s, p, o))
    return union.serialize(format=fmt.serializer)


def as_text(description: Description) -> str:
    """The description as the terminal shows it (``cspo-graph describe``)."""
    lines = [description.label, f"  {description.id}"]
    if description.classes:
        lines.append(f"  a {', '.join(description.classes)}")

    def cited(sources: tuple[Source, ...], indent: str) -> list[str]:
        out = []
        for source in sources:
            out.append(f"{indent}source: {source.name}")
            out += [f'{indent}  worded: "{text}"' for text in source.wordings]
            if source.reason:
                out.append(f"{indent}  reason: {source.reason}")
        return out

    def section(heading: str, statements: list[Statement]) -> None:
        if statements:
            lines.extend(["", heading])
            for line in statements:
                lines.append(f"  {line.property}: {line.value}")
                lines.extend(cited(line.sources, "    "))

    section("Names", description.names)
    section("About it", description.about)
    for heading, items in description.groups:
        lines.extend(["", heading])
        for item in items:
            lines.append(f"  {item.label}" + (f" ({item.kind})" if item.kind else ""))
            lines.extend(cited(item.sources, "    "))
            for line in item.statements:
                lines.append(f"    {line.property}: {line.value}  [{'; '.join(s.name for s in line.sources)}]")
    return "\n".join(lines) + "\n"
