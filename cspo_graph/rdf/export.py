"""Writing the graph in every standard RDF format.

Triple formats (Turtle, N-Triples, RDF/XML) hold the union of all loaded graphs.
Quad formats (N-Quads, TriG, JSON-LD) keep the named graphs apart:

- ``https://w3id.org/cspo-graph/graph/ontology``: the ontology;
- ``https://w3id.org/cspo-graph/graph/data``: the curated, sourced facts;
- ``https://w3id.org/cspo-graph/graph/links``: identifiers added for linking;
- one graph per source document, ``https://w3id.org/cspo-graph/graph/source/NAME``
  (``NAME`` the local name of the document's IRI): what that source states.

What a source states is defined by the data model, where every n-ary fact, entity
and wording cites the sources it comes from with ``prov:wasDerivedFrom``: the graph
of source S holds every triple whose subject cites S, except the
``prov:wasDerivedFrom`` triples that name other sources. So it holds each fact node
citing S with all its triples (a membership with its member, organization and
period, a post holding with its holder, post and capacity, a statement with its
quote, ...), each entity citing S (its type and label), and the wordings taken
from S (each wording cites exactly one source). Triples of resources that cite no
source (posts, dates, the ontology) and the identifiers added for linking are in
no source graph. Source documents are the instances of ``cspo:SourceDocument``
and its subclasses.

JSON-LD is compacted with the context shipped in this package
(:data:`CONTEXT_FILE`), embedded in the document: reading it never fetches anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cspo_graph import resources
from cspo_graph.rdf.parsing import BUILTIN_GRAPHS, GRAPH_BASE, RdfFormat

if TYPE_CHECKING:
    import rdflib

CONTEXT_FILE = Path(__file__).resolve().parent / "context.jsonld"
"""The compact JSON-LD ``@context`` shipped with the package."""

SOURCE_GRAPH_BASE = GRAPH_BASE + "source/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_NOT_FACT_GRAPHS = {BUILTIN_GRAPHS[resources.ONTOLOGY], BUILTIN_GRAPHS[resources.LINKS]}


@cache
def jsonld_context() -> dict[str, Any]:
    """The shipped ``@context`` object (the value of the file's ``@context`` key)."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def source_graph_name(source: str) -> str:
    """The IRI of the named graph that holds what ``source`` states."""
    if source.startswith(resources.NAMESPACE):
        return SOURCE_GRAPH_BASE + quote(source[len(resources.NAMESPACE) :], safe="")
    return SOURCE_GRAPH_BASE + quote(source, safe="")


def source_documents(dataset: rdflib.Dataset) -> list[rdflib.URIRef]:
    """The instances of ``cspo:SourceDocument`` and its subclasses, sorted."""
    from rdflib import RDF, RDFS, URIRef

    classes = set(dataset.transitive_subjects(RDFS.subClassOf, URIRef(resources.NAMESPACE + "SourceDocument")))
    found = {s for cls in classes for s in dataset.subjects(RDF.type, cls) if isinstance(s, URIRef)}
    return sorted(found)


def fact_triples(dataset: rdflib.Dataset) -> Iterator[tuple[Any, Any, Any]]:
    """The triples of every loaded graph except the ontology and the links."""
    for graph in dataset.graphs():
        if str(graph.identifier) not in _NOT_FACT_GRAPHS:
            yield from graph


def source_graphs(dataset: rdflib.Dataset) -> dict[str, set[tuple[Any, Any, Any]]]:
    """For each source document's graph name, the triples that source states (see the module doc)."""
    from rdflib import URIRef

    derived = URIRef(PROV_DERIVED)
    sources = source_documents(dataset)
    facts = set(fact_triples(dataset))
    cited: dict[Any, set[Any]] = {}
    for s, p, o in facts:
        if p == derived and o in sources:
            cited.setdefault(s, set()).add(o)
    graphs: dict[str, set[tuple[Any, Any, Any]]] = {source_graph_name(str(s)): set() for s in sources}
    for s, p, o in facts:
        for source in cited.get(s, ()):
            if p != derived or o == source:
                graphs[source_graph_name(str(source))].add((s, p, o))
    return graphs


def export_dataset(dataset: rdflib.Dataset) -> rdflib.Dataset:
    """The dataset quad formats hold: every loaded named graph plus one graph per source."""
    import rdflib

    out = rdflib.Dataset()
    for prefix, namespace in resources.PREFIXES.items():
        out.bind(prefix, namespace)
    for graph in dataset.graphs():
        if len(graph):
            out.graph(graph.identifier).addN((s, p, o, out.graph(graph.identifier)) for s, p, o in graph)
    for name, triples in source_graphs(dataset).items():
        target = out.graph(rdflib.URIRef(name))
        target.addN((s, p, o, target) for s, p, o in triples)
    return out


def union_graph(dataset: rdflib.Dataset) -> rdflib.Graph:
    """Every triple of every graph, once."""
    import rdflib

    graph = rdflib.Graph()
    for prefix, namespace in resources.PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.addN((s, p, o, graph) for s, p, o, _ in dataset.quads((None, None, None, None)))
    return graph


_SERIALIZER_OPTIONS: dict[str, Any] = {
    "jsonld": lambda: {"context": jsonld_context(), "auto_compact": True},
}
"""Extra rdflib serializer arguments, by format name."""


def serialize(dataset: rdflib.Dataset, fmt: RdfFormat) -> str:
    """The text of ``dataset`` in ``fmt``: named graphs for quad formats, the union otherwise."""
    target = export_dataset(dataset) if fmt.quads else union_graph(dataset)
    options = _SERIALIZER_OPTIONS.get(fmt.name, dict)()
    text = target.serialize(format=fmt.rdflib, **options)
    if fmt.name in ("nt", "nq"):
        text = "".join(sorted(line for line in text.splitlines(keepends=True) if line.strip()))
    return text
