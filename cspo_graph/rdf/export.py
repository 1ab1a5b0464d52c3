"""Writing the graph in every standard RDF format.

Triple formats (Turtle, N-Triples, RDF/XML) hold the union of all loaded graphs
(each triple once). Quad formats (N-Quads, TriG, JSON-LD) keep the named graphs as
they were loaded: for the built-in data, the ontology, one graph per source document
(``https://w3id.org/cspo-graph/graph/source/NAME``: exactly what that source
states), the curators' graph, the graph describing the sources, and the identifiers
added for linking (see docs/provenance.md).

JSON-LD is compacted with the context shipped in this package
(:data:`CONTEXT_FILE`), embedded in the document: reading it never fetches anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cspo_graph import resources
from cspo_graph.rdf.formats import Format

if TYPE_CHECKING:
    import rdflib

CONTEXT_FILE = Path(__file__).resolve().parent / "context.jsonld"
"""The compact JSON-LD ``@context`` shipped with the package."""


@cache
def jsonld_context() -> dict[str, Any]:
    """The shipped ``@context`` object (the value of the file's ``@context`` key)."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def exported_graphs(dataset: rdflib.Dataset) -> Iterator[rdflib.Graph]:
    """The graphs quad formats hold: every non-empty named graph of ``dataset``, as loaded (not copied)."""
    return (graph for graph in dataset.graphs() if len(graph))


def export_dataset(dataset: rdflib.Dataset) -> rdflib.Dataset:
    """The dataset quad formats hold (:func:`exported_graphs`), as a dataset of its own."""
    import rdflib

    out = rdflib.Dataset()
    for prefix, namespace in resources.PREFIXES.items():
        out.bind(prefix, namespace)
    for graph in exported_graphs(dataset):
        target = out.graph(graph.identifier)
        target.addN((s, p, o, target) for s, p, o in graph)
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


def serialize(dataset: rdflib.Dataset, fmt: Format) -> str:
    """The text of ``dataset`` in ``fmt``: named graphs for quad formats, the union otherwise."""
    target = export_dataset(dataset) if fmt.quads else union_graph(dataset)
    options = _SERIALIZER_OPTIONS.get(fmt.name, dict)()
    text = target.serialize(format=fmt.serializer, **options)
    if fmt.name in ("nt", "nq"):
        text = "".join(sorted(line for line in text.splitlines(keepends=True) if line.strip()))
    return text
